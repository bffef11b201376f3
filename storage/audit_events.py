"""Append-only audit rows. The chain MAC is computed in bot.security.audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from storage.db import Connection, Dialects, fetch_all, fetch_one

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    school_id: int | None
    at: str
    actor: str
    action: str
    subject: str
    details: str
    prev_mac: str
    mac: str


async def last(conn: Connection) -> tuple[int, str]:
    """The id and MAC of the newest event, or (0, GENESIS)."""
    row = await fetch_one(conn, "SELECT id, mac FROM audit_events ORDER BY id DESC LIMIT 1")
    return (int(row["id"]), str(row["mac"])) if row else (0, GENESIS)


async def mac_of(conn: Connection, event_id: int) -> str | None:
    row = await fetch_one(conn, "SELECT mac FROM audit_events WHERE id = ?", (event_id,))
    return str(row[0]) if row else None


async def insert(conn: Connection, row: AuditRow) -> None:
    await conn.execute(
        "INSERT INTO audit_events (id, school_id, at, actor, action, subject, details, "
        "prev_mac, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.id,
            row.school_id,
            row.at,
            row.actor,
            row.action,
            row.subject,
            row.details,
            row.prev_mac,
            row.mac,
        ),
    )


async def iterate(conn: Connection, page: int = 1000) -> AsyncIterator[AuditRow]:
    """Every event in order, read a page at a time."""
    after = 0
    while rows := await fetch_all(
        conn,
        "SELECT id, school_id, at, actor, action, subject, details, prev_mac, mac "
        "FROM audit_events WHERE id > ? ORDER BY id LIMIT ?",
        (after, page),
    ):
        for r in rows:
            yield AuditRow(*tuple(r))
        after = int(rows[-1]["id"])


@asynccontextmanager
async def read_snapshot(conn: Connection) -> AsyncIterator[Connection]:
    """Every read inside the block sees one snapshot of the database (one read transaction),
    so events written meanwhile neither appear half-way nor look like gaps.

    On SQLite use a connection of its own: other tasks reading on it would share the old
    snapshot."""
    async with conn.snapshot() as snapshot:
        yield snapshot


_HIGHEST_ISSUED = Dialects(
    sqlite="SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'",
    # Kept by a trigger on insert (migration 0001), in the same transaction.
    postgresql="SELECT seq FROM audit_high_water WHERE id = 1",
)


async def highest_issued_id(conn: Connection) -> int:
    """The highest id ever written, so a deleted newest row is noticed too."""
    row = await fetch_one(conn, _HIGHEST_ISSUED.of(conn))
    return int(row[0]) if row else 0


async def for_subject(conn: Connection, subject: str) -> list[AuditRow]:
    return [
        AuditRow(*tuple(r))
        for r in await fetch_all(
            conn,
            "SELECT id, school_id, at, actor, action, subject, details, prev_mac, mac "
            "FROM audit_events WHERE subject = ? ORDER BY id",
            (subject,),
        )
    ]


async def first_at(conn: Connection, school_id: int) -> str | None:
    """When the school's first event was written (its set-up in the bot), or None."""
    row = await fetch_one(
        conn, "SELECT at FROM audit_events WHERE school_id = ? ORDER BY id LIMIT 1", (school_id,)
    )
    return str(row[0]) if row else None
