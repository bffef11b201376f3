"""Append-only audit rows. The chain MAC is computed in bot.audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from storage.db import Connection

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
    async with conn.execute("SELECT id, mac FROM audit_events ORDER BY id DESC LIMIT 1") as cur:
        row = await cur.fetchone()
    return (int(row["id"]), str(row["mac"])) if row else (0, GENESIS)


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


async def iterate(conn: Connection) -> AsyncIterator[AuditRow]:
    async with conn.execute(
        "SELECT id, school_id, at, actor, action, subject, details, prev_mac, mac "
        "FROM audit_events ORDER BY id"
    ) as cur:
        async for r in cur:
            yield AuditRow(*tuple(r))


async def highest_issued_id(conn: Connection) -> int:
    """The highest id SQLite ever handed out, so a deleted newest row is noticed too."""
    async with conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def for_subject(conn: Connection, subject: str) -> list[AuditRow]:
    async with conn.execute(
        "SELECT id, school_id, at, actor, action, subject, details, prev_mac, mac "
        "FROM audit_events WHERE subject = ? ORDER BY id",
        (subject,),
    ) as cur:
        return [AuditRow(*tuple(r)) async for r in cur]
