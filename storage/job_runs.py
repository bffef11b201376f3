"""The ledger of scheduled work: one row per job and period, written with the work itself."""

from __future__ import annotations

from storage.db import Connection, fetch_one


async def claim(conn: Connection, school_id: int, name: str, period: str, at: str) -> bool:
    """True the first time for this school, job and period; False ever after."""
    added = await conn.execute(
        "INSERT INTO job_runs (school_id, name, period, ran_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (school_id, name, period, at),
    )
    return added == 1


async def has_run(conn: Connection, school_id: int, name: str, period: str) -> bool:
    """Whether this job already ran for the school and period (claims nothing)."""
    row = await fetch_one(
        conn,
        "SELECT 1 FROM job_runs WHERE school_id = ? AND name = ? AND period = ?",
        (school_id, name, period),
    )
    return row is not None


async def last_run(conn: Connection, school_id: int, name: str) -> str | None:
    """When this job last ran for the school (UTC text), or None."""
    row = await fetch_one(
        conn,
        "SELECT MAX(ran_at) FROM job_runs WHERE school_id = ? AND name = ?",
        (school_id, name),
    )
    return str(row[0]) if row is not None and row[0] is not None else None


async def last_period(conn: Connection, school_id: int, name: str) -> str | None:
    """The latest period this job ran for at the school (periods of one kind sort by time:
    days as '2026-11-02', weeks as '2026-W45'), or None."""
    row = await fetch_one(
        conn,
        "SELECT MAX(period) FROM job_runs WHERE school_id = ? AND name = ?",
        (school_id, name),
    )
    return str(row[0]) if row is not None and row[0] is not None else None
