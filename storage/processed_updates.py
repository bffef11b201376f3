"""Telegram update ids already handled, so a redelivered update does nothing twice."""

from __future__ import annotations

from storage.db import Connection


async def claim(conn: Connection, update_id: int, at: str) -> bool:
    """Record the update id; False when it was recorded before."""
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
        (update_id, at),
    )
    return cursor.rowcount == 1


async def prune(conn: Connection, before: str) -> int:
    cursor = await conn.execute("DELETE FROM processed_updates WHERE processed_at < ?", (before,))
    return cursor.rowcount
