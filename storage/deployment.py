"""Facts about the deployment itself."""

from __future__ import annotations

from storage.db import Connection


async def key_check(conn: Connection) -> str | None:
    async with conn.execute("SELECT key_check FROM deployment WHERE id = 1") as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else None


async def set_key_check(conn: Connection, value: str) -> None:
    await conn.execute("INSERT INTO deployment (id, key_check) VALUES (1, ?)", (value,))
