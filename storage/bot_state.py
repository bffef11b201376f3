"""Conversation state and per-user and per-chat data, as opaque (encrypted) blobs."""

from __future__ import annotations

from storage.db import Connection, fetch_all


async def load(conn: Connection, kind: str) -> dict[str, bytes]:
    return {
        str(r[0]): bytes(r[1])
        for r in await fetch_all(conn, "SELECT key, data FROM bot_state WHERE kind = ?", (kind,))
    }


async def for_keys(conn: Connection, keys: list[str]) -> list[tuple[str, str, bytes]]:
    """(kind, key, data) of every state stored under these keys."""
    if not keys:
        return []
    marks = ", ".join("?" * len(keys))
    return [
        (str(r[0]), str(r[1]), bytes(r[2]))
        for r in await fetch_all(
            conn, f"SELECT kind, key, data FROM bot_state WHERE key IN ({marks})", keys
        )
    ]


async def save(conn: Connection, kind: str, key: str, data: bytes | None) -> None:
    if data is None:
        await conn.execute("DELETE FROM bot_state WHERE kind = ? AND key = ?", (kind, key))
    else:
        await conn.execute(
            "INSERT INTO bot_state (kind, key, data) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
            (kind, key, data),
        )


async def delete_key(conn: Connection, key: str) -> None:
    """Drop all state stored under ``key`` (a user or chat id), also as part of a
    conversation key (ids joined by ":")."""
    await conn.execute(
        "DELETE FROM bot_state WHERE key = ? OR key LIKE ? OR key LIKE ? OR key LIKE ?",
        (key, f"{key}:%", f"%:{key}", f"%:{key}:%"),
    )
