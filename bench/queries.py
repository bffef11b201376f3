"""The staff queue and digest queries, timed on a database with many cases."""

from __future__ import annotations

import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
        "AND COALESCE(extended_due_on, due_on) BETWEEN :today AND date(:today, '+7 days') "
        "GROUP BY assignee_role"
    ),
}


def time_queries(database: Path, runs: int = 7) -> dict[str, tuple[float, int]]:
    """Median milliseconds and row count of each query."""
    results: dict[str, tuple[float, int]] = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        school = conn.execute("SELECT id FROM schools").fetchone()[0]
        teacher = conn.execute("SELECT MAX(id) FROM staff WHERE role = 'teacher'").fetchone()[0]
        now = datetime.now(UTC)
        params = {
            "school": school,
            "teacher": teacher,
            "today": now.date().isoformat(),
            "week_ago": (now - timedelta(days=7)).isoformat(timespec="microseconds"),
        }
        for name, sql in QUERIES.items():
            timings = []
            count = 0
            for _ in range(runs):
                start = time.perf_counter()
                count = len(conn.execute(sql, params).fetchall())
                timings.append((time.perf_counter() - start) * 1000)
            results[name] = (statistics.median(timings), count)
    return results
