"""Queued messages and their delivery state."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    ref: str
    chat_id: int
    case_id: int | None
    body: bytes
    attempts: int
    attachment: bytes | None = None


async def add(
    conn: Connection,
    *,
    ref: str,
    school_id: int | None,
    chat_id: int,
    case_id: int | None,
    body: bytes,
    at: str,
) -> None:
    await conn.execute(
        "INSERT INTO outbox (ref, school_id, chat_id, case_id, body, created_at, "
        "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ref, school_id, chat_id, case_id, body, at, at),
    )


async def set_attachment(conn: Connection, ref: str, blob: bytes) -> None:
    await conn.execute("UPDATE outbox SET attachment = ? WHERE ref = ?", (blob, ref))


async def due(conn: Connection, now: str, limit: int) -> list[OutboxRow]:
    return [
        OutboxRow(
            int(r[0]),
            str(r[1]),
            int(r[2]),
            r[3],
            bytes(r[4]),
            int(r[5]),
            bytes(r[6]) if r[6] is not None else None,
        )
        for r in await fetch_all(
            conn,
            "SELECT id, ref, chat_id, case_id, body, attempts, attachment FROM outbox "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        )
    ]


async def mark_sent(conn: Connection, outbox_id: int, at: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
        "last_error = NULL WHERE id = ?",
        (at, outbox_id),
    )


async def retry_later(conn: Connection, outbox_id: int, next_attempt_at: str, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
        "WHERE id = ?",
        (next_attempt_at, error, outbox_id),
    )


async def mark_undeliverable(conn: Connection, outbox_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'undeliverable', attempts = attempts + 1, last_error = ? "
        "WHERE id = ?",
        (error, outbox_id),
    )


async def counts(conn: Connection) -> dict[str, int]:
    return {
        str(r[0]): int(r[1])
        for r in await fetch_all(conn, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
    }
