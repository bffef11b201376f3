"""Fetched Telegram updates waiting to be handled, and the offset that confirms them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class InboxRow:
    update_id: int
    chat_key: int
    payload: bytes
    attempts: int


async def next_offset(conn: Connection) -> int | None:
    row = await fetch_one(conn, "SELECT next_offset FROM intake_offset WHERE id = 1")
    return int(row[0]) if row else None


async def add_batch(
    conn: Connection, rows: Sequence[tuple[int, int, bytes]], received_at: str, offset: int
) -> None:
    """Store ``(update_id, chat_key, payload)`` rows and the offset that confirms them; an
    update stored before is kept as it is."""
    await conn.executemany(
        "INSERT INTO inbox (update_id, chat_key, payload, received_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(u, c, p, received_at) for u, c, p in rows],
    )
    await conn.execute(
        "INSERT INTO intake_offset (id, next_offset) VALUES (1, ?) ON CONFLICT (id) "
        "DO UPDATE SET next_offset = CASE WHEN excluded.next_offset > intake_offset.next_offset "
        "THEN excluded.next_offset ELSE intake_offset.next_offset END",
        (offset,),
    )


async def pending(conn: Connection) -> list[InboxRow]:
    """Rows not handled yet, oldest first."""
    return [
        InboxRow(int(r[0]), int(r[1]), bytes(r[2]), int(r[3]))
        for r in await fetch_all(
            conn,
            "SELECT update_id, chat_key, payload, attempts FROM inbox WHERE failed_at IS NULL "
            "ORDER BY update_id",
        )
    ]


async def count_attempt(conn: Connection) -> None:
    """Every pending row is tried once more (called when a process starts draining)."""
    await conn.execute("UPDATE inbox SET attempts = attempts + 1 WHERE failed_at IS NULL")


async def delete(conn: Connection, update_id: int) -> None:
    await conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))


async def mark_failed(conn: Connection, update_id: int, error: str, at: str) -> None:
    """Kept for the record (error type only), never tried again; the payload is dropped."""
    await conn.execute(
        "UPDATE inbox SET failed_at = ?, error = ?, payload = ? WHERE update_id = ?",
        (at, error, b"", update_id),
    )


async def failed(conn: Connection) -> list[tuple[int, str]]:
    return [
        (int(r[0]), str(r[1]))
        for r in await fetch_all(
            conn, "SELECT update_id, error FROM inbox WHERE failed_at IS NOT NULL ORDER BY 1"
        )
    ]


async def prune_failed(conn: Connection, before: str) -> int:
    return await conn.execute(
        "DELETE FROM inbox WHERE failed_at IS NOT NULL AND failed_at < ?", (before,)
    )


async def add_failed(conn: Connection, update_ids: Sequence[int], at: str, error: str) -> None:
    """Record updates that could not even be read: failed at once, without their content."""
    await conn.executemany(
        "INSERT INTO inbox (update_id, chat_key, payload, received_at, failed_at, error) "
        "VALUES (?, 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(u, b"", at, at, error) for u in update_ids],
    )
