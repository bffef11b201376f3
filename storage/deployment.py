"""Facts about the deployment itself."""

from __future__ import annotations

from storage.db import Connection, fetch_one


async def key_check(conn: Connection) -> str | None:
    row = await fetch_one(conn, "SELECT key_check FROM deployment WHERE id = 1")
    return str(row[0]) if row else None


async def set_key_check(conn: Connection, value: str) -> None:
    await conn.execute("INSERT INTO deployment (id, key_check) VALUES (1, ?)", (value,))
