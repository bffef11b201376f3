"""A school with many guardians and cases, written before the bot starts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.database import connect
from bench.process import SCHOOL_TOML, SECRET
from bot import outbox
from bot.clock import SystemClock
from bot.schools.invitations import issue_guardian_codes
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from bot.settings import Settings

HEADER = (
    "student_id,first_name,last_name,birth_date,group,guardian_id,guardian_name,"
    "guardian_email,guardian_language"
)
KINDS = ("access", "rectification", "erasure", "consent", "restriction", "objection")
CLOSED = (("resolved", 85), ("rejected", 8), ("withdrawn", 7))


@dataclass(frozen=True, slots=True)
class Parent:
    name: str
    code: str
    birth_date: str
    """As a parent types it: DD-MM-YYYY."""


def settings(database: str, folder: Path) -> Settings:
    return Settings.model_validate(
        {
            "database": database,
            "schools": SCHOOL_TOML,
            "secret_key": SECRET,
            "key_file": folder / "bench.key",
        }
    )


def _roster(guardians: int) -> tuple[bytes, dict[str, date]]:
    lines = [HEADER]
    born: dict[str, date] = {}
    for g in range(guardians):
        s = g // 2
        birth = date(2014, 9, 1) + timedelta(days=(s * 7) % 2900)
        name = f"Ouder {g:05d}"
        born[name] = birth
        lines.append(
            f"B{s:05d},Kind,Nummer {s:05d},{birth.isoformat()},{1 + s % 8},G{g:05d},{name},"
            f"ouder{g}@mail.example,nl"
        )
    return "\n".join(lines).encode(), born


async def prepare(database: str, folder: Path, guardians: int) -> list[Parent]:
    """Import a roster of ``guardians`` and issue each an invitation code."""
    data, born = _roster(guardians)
    clock = SystemClock()
    services = await Services.start(settings(database, folder), clock)
    try:
        school = services.school("cbs-klimop")
        rows = parse_roster(data, clock.now().date())
        await import_roster(services.db, services.keys, clock, school, rows)
        issued = await issue_guardian_codes(services.db, services.keys, clock, school, days=30)
    finally:
        await services.close()
    return sorted(
        (
            Parent(i.guardian_name, i.code, born[i.guardian_name].strftime("%d-%m-%Y"))
            for i in issued
        ),
        key=lambda p: p.name,
    )


def insert_cases(database: str, count: int, seed: int = 6) -> None:
    """``count`` cases over the last two years, assigned to 16 teachers and a director.

    As at a school: what came in over the last six weeks is partly still open (some of it
    overdue), older requests are closed.
    """
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    now = datetime.now(UTC)
    with connect(database) as conn:
        school_id = conn.execute("SELECT id FROM schools")[0][0]
        pairs = conn.execute("SELECT student_id, guardian_id FROM guardian_students")
        staff = [
            conn.execute(
                "INSERT INTO staff (school_id, name, role, created_at) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (school_id, f"Leerkracht {n}", "teacher" if n else "director", now.isoformat()),
            )[0][0]
            for n in range(17)
        ]
        closed_statuses = [s for s, weight in CLOSED for _ in range(weight)]
        seq: dict[int, int] = {}
        rows = []
        for _ in range(count):
            age = rng.uniform(0, 730)
            received = now - timedelta(days=age)
            year = received.year
            seq[year] = seq.get(year, 0) + 1
            if age < 45 and rng.random() < 0.6:
                status = rng.choice(("submitted", "in_progress"))
            else:
                status = rng.choice(closed_statuses)
            student, guardian = rng.choice(pairs)
            assignee = rng.choice(staff)
            closed = status not in ("submitted", "in_progress")
            rows.append(
                (
                    school_id,
                    year,
                    seq[year],
                    rng.choice(KINDS),
                    status,
                    student,
                    guardian,
                    received.isoformat(timespec="microseconds"),
                    (received + timedelta(days=30)).date().isoformat(),
                    "director" if assignee == staff[0] else "teacher",
                    assignee,
                    (received + timedelta(days=min(age, 20))).isoformat() if closed else None,
                )
            )
        conn.executemany(
            "INSERT INTO cases (school_id, year, seq, kind, status, student_id, guardian_id, "
            "received_at, due_on, assignee_role, assignee_staff_id, closed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def queue_notices(database: str, folder: Path, chat_ids: list[int]) -> None:
    """One notice for each chat, as a change would queue it."""
    clock = SystemClock()
    services = await Services.start(settings(database, folder), clock)
    try:
        async with services.db.transaction() as conn:
            for n, chat_id in enumerate(chat_ids):
                await outbox.enqueue(
                    conn,
                    services.cipher,
                    clock.now(),
                    chat_id=chat_id,
                    text=f"<b>Request 2026-{n:04d}</b>: a notice from the benchmark.",
                    school_id=None,
                )
    finally:
        await services.close()
