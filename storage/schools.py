"""Schools (tenants) and their groups."""

from __future__ import annotations

from storage.db import Connection


async def ensure(conn: Connection, slug: str, name: str) -> int:
    """The school's id, creating or renaming the row to match its config."""
    await conn.execute(
        "INSERT INTO schools (slug, name) VALUES (?, ?) "
        "ON CONFLICT (slug) DO UPDATE SET name = excluded.name",
        (slug, name),
    )
    school_id = await find_id(conn, slug)
    assert school_id is not None
    return school_id


async def find_id(conn: Connection, slug: str) -> int | None:
    async with conn.execute("SELECT id FROM schools WHERE slug = ?", (slug,)) as cur:
        row = await cur.fetchone()
    return int(row["id"]) if row else None


async def slug_of(conn: Connection, school_id: int) -> str:
    async with conn.execute("SELECT slug FROM schools WHERE id = ?", (school_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(school_id)
    return str(row["slug"])


async def ensure_group(conn: Connection, school_id: int, name: str) -> int:
    await conn.execute(
        "INSERT OR IGNORE INTO school_groups (school_id, name) VALUES (?, ?)", (school_id, name)
    )
    async with conn.execute(
        "SELECT id FROM school_groups WHERE school_id = ? AND name = ?", (school_id, name)
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def group_ids(conn: Connection, school_id: int, names: list[str]) -> dict[str, int]:
    """Existing groups by name; names that are not a group of this school are left out."""
    async with conn.execute(
        "SELECT id, name FROM school_groups WHERE school_id = ?", (school_id,)
    ) as cur:
        found = {str(r["name"]): int(r["id"]) async for r in cur}
    return {name: found[name] for name in names if name in found}
