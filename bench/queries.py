"""The staff queue and digest queries, timed on a database with many cases."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.database import connect

OPEN = "status IN ('submitted', 'in_progress')"

QUERIES: dict[str, str] = {
    "open cases of a school by due date (first 50)": (
        "SELECT id, kind, status, COALESCE(extended_due_on, due_on) AS due FROM cases "
        f"WHERE school_id = :school AND {OPEN} "
        "ORDER BY COALESCE(extended_due_on, due_on), id LIMIT 50"
    ),
    "a teacher's queue: their open cases by due date": (
        "SELECT id, kind, status, COALESCE(extended_due_on, due_on) AS due FROM cases "
        f"WHERE assignee_staff_id = :teacher AND {OPEN} "
        "ORDER BY COALESCE(extended_due_on, due_on), id"
    ),
    "all open cases of a school by due date": (
        "SELECT id, kind, status, COALESCE(extended_due_on, due_on) AS due FROM cases "
        f"WHERE school_id = :school AND {OPEN} ORDER BY COALESCE(extended_due_on, due_on), id"
    ),
    "digest: requests received in the last 7 days, by kind": (
        "SELECT kind, COUNT(*) FROM cases WHERE school_id = :school "
        "AND received_at >= :week_ago GROUP BY kind"
    ),
    "counts by status and kind": (
        "SELECT status, kind, COUNT(*) FROM cases WHERE school_id = :school GROUP BY status, kind"
    ),
    "overdue count": (
        f"SELECT COUNT(*) FROM cases WHERE school_id = :school AND {OPEN} "
        "AND COALESCE(extended_due_on, due_on) < :today"
    ),
    "due within 7 days, by assignee role": (
        "SELECT assignee_role, COUNT(*) FROM cases "
        f"WHERE school_id = :school AND {OPEN} "
        "AND COALESCE(extended_due_on, due_on) BETWEEN :today AND :week_ahead "
        "GROUP BY assignee_role"
    ),
}


def time_queries(database: str, runs: int = 7) -> dict[str, tuple[float, int]]:
    """Median milliseconds and row count of each query."""
    results: dict[str, tuple[float, int]] = {}
    with connect(database) as conn:
        school = conn.execute("SELECT id FROM schools")[0][0]
        teacher = conn.execute("SELECT MAX(id) FROM staff WHERE role = 'teacher'")[0][0]
        now = datetime.now(UTC)
        params = {
            "school": school,
            "teacher": teacher,
            "today": now.date().isoformat(),
            "week_ahead": (now + timedelta(days=7)).date().isoformat(),
            "week_ago": (now - timedelta(days=7)).isoformat(timespec="microseconds"),
        }
        for name, sql in QUERIES.items():
            timings = []
            count = 0
            for _ in range(runs):
                start = time.perf_counter()
                count = len(conn.execute(sql, params))
                timings.append((time.perf_counter() - start) * 1000)
            results[name] = (statistics.median(timings), count)
    return results


HEAD_TEACHER_ACCOUNT = 999_001


def _link_head_teacher(database: str) -> None:
    """Link the sample director to a Telegram account, as a staff code would."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    with connect(database) as conn:
        school, director = conn.execute(
            "SELECT school_id, id FROM staff WHERE role = 'director' ORDER BY id LIMIT 1"
        )[0]
        invitation = conn.execute(
            "INSERT INTO invitations (school_id, code_mac, staff_id, created_at, expires_at, "
            "used_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (school, f"bench-{director}", director, now, now, now),
        )[0][0]
        conn.execute(
            "INSERT INTO accounts (telegram_user_id, chat_id, language, created_at) "
            "VALUES (?, ?, 'nl', ?) ON CONFLICT DO NOTHING",
            (HEAD_TEACHER_ACCOUNT, HEAD_TEACHER_ACCOUNT, now),
        )
        conn.execute(
            "INSERT INTO account_links (telegram_user_id, school_id, staff_id, invitation_id, "
            "linked_at) VALUES (?, ?, ?, ?, ?)",
            (HEAD_TEACHER_ACCOUNT, school, director, invitation, now),
        )


async def time_product(database: str, folder: Path, runs: int = 5) -> dict[str, tuple[float, int]]:
    """Median milliseconds of what the bot itself runs: the head teacher's /queue all, the
    digest of the last day and the privacy officer's weekly counts (with their sizes)."""
    from bench.population import settings
    from bot.domain.staff_base import StaffActor
    from bot.jobs import digest, report
    from bot.services import Services

    _link_head_teacher(database)
    services = await Services.start(settings(database, folder))
    try:
        school_id, school = next(iter(services.school_by_id.items()))
        now = services.clock.now()
        reader = services.db.reader

        async def queue() -> int:
            return len(await services.staff_views.queue(StaffActor(HEAD_TEACHER_ACCOUNT), "all"))

        async def digest_text() -> int:
            text = await digest.build(reader, school_id, school, now - timedelta(days=1), now)
            return len(text.splitlines())

        async def weekly_counts() -> int:
            counts = await report.count_school(
                reader, school_id, school, now - timedelta(days=7), now
            )
            return sum(k.received for k in counts.kinds.values())

        results: dict[str, tuple[float, int]] = {}
        for name, work in (
            ("the head teacher's /queue all (lines)", queue),
            ("the digest of the last day (lines)", digest_text),
            ("the privacy officer's weekly counts (received)", weekly_counts),
        ):
            timings = []
            size = 0
            for _ in range(runs):
                start = time.perf_counter()
                size = await work()
                timings.append((time.perf_counter() - start) * 1000)
            results[name] = (statistics.median(timings), size)
        return results
    finally:
        await services.close()
