"""Importing the school's roster (one row per student-guardian pair) from a CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.birthdates import read_date
from bot.clock import Clock
from bot.errors import UserFacingError, count
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.codes import birth_date_mac
from bot.security.keys import Keys
from storage import people, schools
from storage.db import Database, to_db

HEADER = (
    "student_id",
    "first_name",
    "last_name",
    "birth_date",
    "group",
    "guardian_id",
    "guardian_name",
    "guardian_email",
    "guardian_language",
)
OPTIONAL = frozenset({"guardian_email"})
LANGUAGES = frozenset({"nl", "en"})
MAX_FIELD = 200
EARLIEST_BIRTH_YEAR = 2000


class RosterError(UserFacingError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"the roster was not imported ({count(len(problems), 'problem')})", problems
        )


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


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int
    updated: int
    left: int
    unchanged: int
    guardians: int


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


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            ["the file is not UTF-8: save it as 'CSV UTF-8' in your spreadsheet program"]
        ) from None


def parse_roster(data: bytes, today: date) -> list[RosterRow]:
    """Every row of the file, or RosterError listing every problem by line number."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in HEADER if c not in columns]
    if missing:
        raise RosterError([f"line 1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = columns

    rows: list[RosterRow] = []
    problems: list[str] = []
    for record in reader:
        line = reader.line_num
        values = {k: (record.get(k) or "").strip() for k in HEADER}
        if not any(values.values()):
            continue
        row_problems = [
            f"line {line}: {name} is empty"
            for name in HEADER
            if name not in OPTIONAL and not values[name]
        ]
        row_problems += [
            f"line {line}: {name} is longer than {MAX_FIELD} characters"
            for name in HEADER
            if len(values[name]) > MAX_FIELD
        ]
        born: date | None = None
        if values["birth_date"]:
            born, date_problem = birth_date_problem(values["birth_date"], today)
            if date_problem:
                row_problems.append(f"line {line}: {date_problem}")
        language = values["guardian_language"].lower()
        if language and language not in LANGUAGES:
            row_problems.append(
                f"line {line}: guardian_language {values['guardian_language']!r} is not "
                "'nl' or 'en'"
            )
        email = values["guardian_email"]
        if email and ("@" not in email or " " in email):
            row_problems.append(f"line {line}: guardian_email {email!r} is not an e-mail address")
        if row_problems:
            problems += row_problems
            continue
        assert born is not None
        rows.append(
            RosterRow(
                line=line,
                birth_date=born,
                **{
                    **{k: values[k] for k in HEADER if k != "birth_date"},
                    "guardian_language": language,
                },
            )
        )
    problems += _consistency_problems(rows)
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError(["the file has no rows"])
    return rows


def _consistency_problems(rows: list[RosterRow]) -> list[str]:
    problems: list[str] = []
    students: dict[str, RosterRow] = {}
    guardians: dict[str, RosterRow] = {}
    pairs: set[tuple[str, str]] = set()
    for row in rows:
        first = students.setdefault(row.student_id, row)
        student = (row.first_name, row.last_name, row.birth_date, row.group)
        if student != (first.first_name, first.last_name, first.birth_date, first.group):
            problems.append(
                f"line {row.line}: student {row.student_id} differs from line {first.line}"
            )
        first = guardians.setdefault(row.guardian_id, row)
        guardian = (row.guardian_name, row.guardian_email, row.guardian_language)
        if guardian != (first.guardian_name, first.guardian_email, first.guardian_language):
            problems.append(
                f"line {row.line}: guardian {row.guardian_id} differs from line {first.line}"
            )
        if (row.student_id, row.guardian_id) in pairs:
            problems.append(
                f"line {row.line}: student {row.student_id} and guardian {row.guardian_id} "
                "appear twice"
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
) -> ImportSummary:
    """Apply the roster in one unit of work: all of it or nothing.

    ``progress(done, total)`` is called as pupils are written.
    """
    now = clock.now()
    async with db.transaction() as conn:
        school_id = await schools.ensure(conn, school.slug, school.name)
        before = await people.students_by_external_id(conn, school_id)
        added = updated = unchanged = 0
        seen_students: dict[str, RosterRow] = {}
        for row in rows:
            seen_students.setdefault(row.student_id, row)
        for done, (external_id, row) in enumerate(seen_students.items(), start=1):
            if progress is not None:
                progress(done, len(seen_students))
            group_id = await schools.ensure_group(conn, school_id, row.group)
            mac = birth_date_mac(keys.birth_dates, school.slug, external_id, row.birth_date)
            old = before.get(external_id)
            if old is None:
                added += 1
            elif (
                old.first_name,
                old.last_name,
                old.birth_date_mac,
                old.group_id,
                old.left_at,
            ) != (row.first_name, row.last_name, mac, group_id, None):
                updated += 1
            else:
                unchanged += 1
            await people.upsert_student(
                conn, school_id, external_id, row.first_name, row.last_name, mac, group_id
            )
        left = 0
        for external_id, student in before.items():
            if external_id not in seen_students and student.left_at is None:
                await people.mark_left(conn, student.id, to_db(now))
                left += 1
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
        summary = ImportSummary(added, updated, left, unchanged, len(guardian_rows))
        await audit.record(
            conn,
            keys.audit,
            now,
            actor="cli",
            action=AuditAction.ROSTER_IMPORTED,
            school_id=school_id,
            details={
                "added": added,
                "updated": updated,
                "left": left,
                "guardians": len(guardian_rows),
            },
        )
    return summary
