"""Importing the school's roster (one row per student-guardian pair).

The file is read by :mod:`bot.schools.roster_files` (CSV or .xlsx, English or Dutch column
names); this module checks every row, and applies the roster in one unit of work, after
:mod:`bot.schools.roster_plan` has worked out what it changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.birthdates import read_date
from bot.clock import Clock
from bot.domain.cases import Cases
from bot.domain.consent import takedown_after_leaving
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_name
from bot.schools.roster_files import FIELDS, RosterError, read_roster_file
from bot.schools.roster_plan import RosterPlan, plan_roster
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.codes import birth_date_mac
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import people, schools
from storage.db import Database, to_db

__all__ = ["HEADER", "RosterError", "RosterPlan", "RosterRow", "import_roster", "parse_roster"]

HEADER = FIELDS
OPTIONAL = frozenset({"guardian_email"})
LANGUAGES = {
    "nl": "nl",
    "nederlands": "nl",
    "dutch": "nl",
    "en": "en",
    "engels": "en",
    "english": "en",
}
NAMES = ("first_name", "last_name", "guardian_name")
LOST_LETTERS = ("?", "\ufffd")
"""What a spreadsheet program writes for a letter the file's encoding cannot hold."""
TURNING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Direction overrides and isolates: they make a name shown to staff read differently."""
MAX_FIELD = 200
EARLIEST_BIRTH_YEAR = 2000


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int
    student_id: str
    first_name: str
    last_name: str
    birth_date: date
    group: str
    guardian_id: str
    guardian_name: str
    guardian_email: str
    guardian_language: str


def birth_date_problem(value: str, today: date) -> tuple[date | None, str | None]:
    """The pupil's date of birth, or the reason it cannot be one."""
    born = read_date(value, today)
    if born is None:
        return None, (
            f"birth_date {value!r} is not a date (write the day, month and year, "
            "for example 14-2-2020 or 2020-02-14)"
        )
    if born > today:
        return None, f"birth_date {value!r} is in the future"
    if born.year < EARLIEST_BIRTH_YEAR:
        return None, (
            f"birth_date {value!r} is before {EARLIEST_BIRTH_YEAR}: not a primary school "
            "pupil's date of birth"
        )
    return born, None


def _row_problems(values: dict[str, str]) -> list[str]:
    problems = [f"{name} is empty" for name in HEADER if name not in OPTIONAL and not values[name]]
    problems += [
        f"{name} is longer than {MAX_FIELD} characters"
        for name in HEADER
        if len(values[name]) > MAX_FIELD
    ]
    problems += [
        f"{name} {values[name]!r} has a '?' where a letter was lost: the file was saved in a "
        "format that cannot hold every letter (such as ş or ı); save it as 'CSV UTF-8' or "
        "as an Excel workbook (.xlsx)"
        for name in NAMES
        if any(mark in values[name] for mark in LOST_LETTERS)
    ]
    for name in HEADER:
        value = values[name]
        if any(unicodedata.category(char) == "Cc" for char in value):
            problems.append(f"{name} {value!r} has a control character")
        elif turning := next((char for char in value if char in TURNING), None):
            problems.append(
                f"{name} {value!r} has a character that turns the text around "
                f"(U+{ord(turning):04X})"
            )
    language = values["guardian_language"]
    if language and language.lower() not in LANGUAGES:
        problems.append(f"guardian_language {language!r} is not 'nl' or 'en'")
    email = values["guardian_email"]
    if email and ("@" not in email or " " in email):
        problems.append(f"guardian_email {email!r} is not an e-mail address")
    return problems


def parse_roster(data: bytes, today: date) -> list[RosterRow]:
    """Every row of the file, or RosterError listing every problem in line order."""
    problems: list[tuple[int, str]] = []
    rows: list[RosterRow] = []
    for record in read_roster_file(data).records:
        values = dict(record.values)
        values["group"] = group_name(values["group"])
        line_problems = _row_problems(values)
        born: date | None = None
        if values["birth_date"]:
            born, date_problem = birth_date_problem(values["birth_date"], today)
            if date_problem:
                line_problems.insert(0, date_problem)
        if line_problems:
            problems += [(record.line, problem) for problem in line_problems]
            continue
        assert born is not None
        rows.append(
            RosterRow(
                line=record.line,
                birth_date=born,
                **{
                    **{k: values[k] for k in HEADER if k != "birth_date"},
                    "guardian_language": LANGUAGES[values["guardian_language"].lower()],
                },
            )
        )
    problems += _consistency_problems(rows)
    if problems:
        problems.sort(key=lambda problem: problem[0])  # stable: a line's own order is kept
        raise RosterError([f"line {line}: {problem}" for line, problem in problems])
    if not rows:
        raise RosterError(["the file has no rows"])
    return rows


def _consistency_problems(rows: list[RosterRow]) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    students: dict[str, RosterRow] = {}
    guardians: dict[str, RosterRow] = {}
    pairs: set[tuple[str, str]] = set()
    for row in rows:
        first = students.setdefault(row.student_id, row)
        student = (row.first_name, row.last_name, row.birth_date, row.group)
        if student != (first.first_name, first.last_name, first.birth_date, first.group):
            problems.append((row.line, f"student {row.student_id} differs from line {first.line}"))
        first = guardians.setdefault(row.guardian_id, row)
        guardian = (row.guardian_name, row.guardian_email, row.guardian_language)
        if guardian != (first.guardian_name, first.guardian_email, first.guardian_language):
            problems.append(
                (row.line, f"guardian {row.guardian_id} differs from line {first.line}")
            )
        if (row.student_id, row.guardian_id) in pairs:
            problems.append(
                (
                    row.line,
                    f"student {row.student_id} and guardian {row.guardian_id} appear twice",
                )
            )
        pairs.add((row.student_id, row.guardian_id))
    return problems


async def import_roster(
    db: Database,
    keys: Keys,
    clock: Clock,
    school: SchoolConfig,
    rows: list[RosterRow],
    progress: Callable[[int, int], None] | None = None,
) -> RosterPlan:
    """Apply the roster in one unit of work: all of it or nothing; returns what it changed.

    A pupil no longer on the roster is marked as left; for each photo purpose the config
    marks ``takedown_on_leaving`` that the pupil had consent for, a takedown task is queued
    for the teacher (else the director), as a withdrawn consent does.
    ``progress(done, total)`` is called as pupils are written.
    """
    now = clock.now()
    async with db.transaction() as conn:
        school_id = await schools.ensure(conn, school.slug, school.name)
        plan = await plan_roster(conn, keys, school, school_id, rows)
        seen_students: dict[str, RosterRow] = {}
        for row in rows:
            seen_students.setdefault(row.student_id, row)
        for done, (external_id, row) in enumerate(seen_students.items(), start=1):
            if progress is not None:
                progress(done, len(seen_students))
            group_id = await schools.ensure_group(conn, school_id, row.group)
            mac = birth_date_mac(keys.birth_dates, school.slug, external_id, row.birth_date)
            await people.upsert_student(
                conn, school_id, external_id, row.first_name, row.last_name, mac, group_id
            )
        for leaver in plan.leavers:
            await people.mark_left(conn, leaver.student.id, to_db(now))
        guardian_rows: dict[str, RosterRow] = {}
        for row in rows:
            guardian_rows.setdefault(row.guardian_id, row)
        for external_id, row in guardian_rows.items():
            await people.upsert_guardian(
                conn,
                school_id,
                external_id,
                row.guardian_name,
                row.guardian_email,
                row.guardian_language,
            )
        student_ids = {
            k: s.id for k, s in (await people.students_by_external_id(conn, school_id)).items()
        }
        guardian_ids = {
            k: g.id for k, g in (await people.guardians_by_external_id(conn, school_id)).items()
        }
        wanted = {(guardian_ids[r.guardian_id], student_ids[r.student_id]) for r in rows}
        in_file = {student_ids[k] for k in seen_students}
        existing = {pair for pair in await people.links(conn, school_id) if pair[1] in in_file}
        await people.set_links(conn, add=wanted - existing, remove=existing - wanted)
        await audit.record(
            conn,
            keys.audit,
            now,
            actor="cli",
            action=AuditAction.ROSTER_IMPORTED,
            school_id=school_id,
            details={
                "added": plan.added,
                "updated": plan.updated,
                "left": plan.left,
                "guardians": plan.guardians,
            },
        )
        cases = Cases(db, keys, Cipher(keys.encryption), clock, {school_id: school}, Bell())
        left_on = now.astimezone(school.tz).date()
        for leaver in plan.leavers:
            if leaver.takedown:
                await takedown_after_leaving(
                    conn, cases, school, leaver.student, leaver.takedown, left_on
                )
    return plan
