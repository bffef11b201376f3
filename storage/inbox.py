"""Received Telegram updates waiting to be handled, the receipts of those handled, and the
offset that confirms a fetched batch to Telegram (polling).

A row is pending until it is handled (``handled_at``: a receipt, the payload blanked) or has
failed (``failed_at``, with the error type)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, Dialects, fetch_all, fetch_one


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


_PENDING = "failed_at IS NULL AND handled_at IS NULL"


async def add(conn: Connection, update_id: int, chat_key: int, payload: bytes, at: str) -> bool:
    """Store one update (a webhook post); False when its id is known already (stored, handled
    or failed): a duplicate delivery, to be ignored."""
    row = await fetch_one(
        conn,
        "INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING update_id",
        (update_id, chat_key, payload, at),
    )
    return row is not None


async def pending(conn: Connection) -> list[InboxRow]:
    """Rows not handled yet, oldest first."""
    return [
        InboxRow(int(r[0]), int(r[1]), bytes(r[2]), int(r[3]))
        for r in await fetch_all(
            conn,
            f"SELECT update_id, chat_key, payload, attempts FROM inbox WHERE {_PENDING} "
            "ORDER BY update_id",
        )
    ]


async def count_attempt(conn: Connection) -> None:
    """Every pending row is tried once more (called when a process starts draining)."""
    await conn.execute(f"UPDATE inbox SET attempts = attempts + 1 WHERE {_PENDING}")


async def claim_chat(conn: Connection, chat_key: int) -> list[InboxRow]:
    """The pending rows of one person, oldest first, each counted as tried once more (call
    while holding the person's lease: several workers share the inbox)."""
    rows = await fetch_all(
        conn,
        f"UPDATE inbox SET attempts = attempts + 1 WHERE chat_key = ? AND {_PENDING} "
        "RETURNING update_id, chat_key, payload, attempts",
        (chat_key,),
    )
    found = [InboxRow(int(r[0]), int(r[1]), bytes(r[2]), int(r[3])) for r in rows]
    return sorted(found, key=lambda row: row.update_id)


async def has_pending(conn: Connection, chat_key: int) -> bool:
    row = await fetch_one(
        conn, f"SELECT 1 FROM inbox WHERE chat_key = ? AND {_PENDING} LIMIT 1", (chat_key,)
    )
    return row is not None


_UNATTENDED = Dialects(
    sqlite=f"SELECT chat_key FROM inbox WHERE {_PENDING} GROUP BY chat_key "
    "ORDER BY MIN(update_id)",
    # A worker serving a person holds the advisory lock whose 64-bit key is the person's
    # chat key (storage.postgresql, ``Lease.try_acquire``): pg_locks shows it as two halves.
    postgresql=f"SELECT chat_key FROM inbox i WHERE {_PENDING} AND NOT EXISTS ("
    "SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 1 "
    "AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = i.chat_key) "
    "GROUP BY chat_key ORDER BY MIN(update_id)",
)


async def unattended_chats(conn: Connection) -> list[int]:
    """The people with pending rows whom no worker serves now, whose first row came in
    first (on SQLite: everyone with pending rows)."""
    return [int(r[0]) for r in await fetch_all(conn, _UNATTENDED.of(conn))]


async def delete(conn: Connection, update_id: int) -> None:
    """The update is done and leaves no trace (polling: the offset keeps it from coming
    back)."""
    await conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))


async def mark_handled(conn: Connection, update_id: int, at: str) -> None:
    """The update is done: its receipt stays (the id, when), its content goes."""
    await conn.execute(
        "UPDATE inbox SET handled_at = ?, payload = ? WHERE update_id = ?",
        (at, b"", update_id),
    )


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


async def prune(conn: Connection, failed_before: str, handled_before: str) -> int:
    """Forget records of failed updates and receipts of handled ones, by age."""
    return await conn.execute(
        "DELETE FROM inbox WHERE (failed_at IS NOT NULL AND failed_at < ?) "
        "OR (handled_at IS NOT NULL AND handled_at < ?)",
        (failed_before, handled_before),
    )


async def add_failed(conn: Connection, update_ids: Sequence[int], at: str, error: str) -> None:
    """Record updates that could not even be read: failed at once, without their content."""
    await conn.executemany(
        "INSERT INTO inbox (update_id, chat_key, payload, received_at, failed_at, error) "
        "VALUES (?, 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(u, b"", at, at, error) for u in update_ids],
    )
