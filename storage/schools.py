"""Schools (tenants) and their groups."""

from __future__ import annotations

from storage.db import Connection, fetch_all, fetch_one


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
    row = await fetch_one(conn, "SELECT id FROM schools WHERE slug = ?", (slug,))
    return int(row["id"]) if row else None


async def slug_of(conn: Connection, school_id: int) -> str:
    row = await fetch_one(conn, "SELECT slug FROM schools WHERE id = ?", (school_id,))
    if row is None:
        raise LookupError(school_id)
    return str(row["slug"])


async def ensure_group(conn: Connection, school_id: int, name: str) -> int:
    await conn.execute(
        "INSERT INTO school_groups (school_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (school_id, name),
    )
    row = await fetch_one(
        conn, "SELECT id FROM school_groups WHERE school_id = ? AND name = ?", (school_id, name)
    )
    assert row is not None
    return int(row["id"])


async def group_ids(conn: Connection, school_id: int, names: list[str]) -> dict[str, int]:
    """Existing groups by name; names that are not a group of this school are left out."""
    found = {
        str(r["name"]): int(r["id"])
        for r in await fetch_all(
            conn, "SELECT id, name FROM school_groups WHERE school_id = ?", (school_id,)
        )
    }
    return {name: found[name] for name in names if name in found}


async def groups(conn: Connection, school_id: int) -> list[tuple[int, str]]:
    """(id, name) of every group of the school that has current pupils."""
    return [
        (int(r["id"]), str(r["name"]))
        for r in await fetch_all(
            conn,
            "SELECT g.id, g.name FROM school_groups g WHERE g.school_id = ? AND EXISTS "
            "(SELECT 1 FROM students s WHERE s.group_id = g.id AND s.left_at IS NULL)",
            (school_id,),
        )
    ]


async def group(conn: Connection, group_id: int) -> tuple[int, str] | None:
    """(school id, name) of a group."""
    row = await fetch_one(
        conn, "SELECT school_id, name FROM school_groups WHERE id = ?", (group_id,)
    )
    return (int(row["school_id"]), str(row["name"])) if row else None


async def group_names(conn: Connection, school_id: int) -> list[str]:
    """The names of the school's groups with current pupils, in natural order (2 before 10)."""
    names = [name for _, name in await groups(conn, school_id)]
    return sorted(names, key=lambda n: (0, int(n), n) if n.isdigit() else (1, 0, n))
