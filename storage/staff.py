"""Staff members, their role and the groups they teach."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    school_id: int
    name: str
    role: str
    groups: tuple[str, ...]


async def create(
    conn: Connection, school_id: int, name: str, role: str, group_ids: list[int], at: str
) -> int:
    cursor = await conn.execute(
        "INSERT INTO staff (school_id, name, role, created_at) VALUES (?, ?, ?, ?)",
        (school_id, name, role, at),
    )
    staff_id = cursor.lastrowid
    assert staff_id is not None
    await conn.executemany(
        "INSERT INTO staff_groups (staff_id, group_id) VALUES (?, ?)",
        [(staff_id, g) for g in group_ids],
    )
    return staff_id


async def get(conn: Connection, staff_id: int) -> StaffMember | None:
    row = await fetch_one(
        conn, "SELECT id, school_id, name, role FROM staff WHERE id = ?", (staff_id,)
    )
    if row is None:
        return None
    groups = tuple(
        [
            str(r[0])
            for r in await fetch_all(
                conn,
                "SELECT g.name FROM staff_groups sg JOIN school_groups g ON g.id = sg.group_id "
                "WHERE sg.staff_id = ? ORDER BY g.name",
                (staff_id,),
            )
        ]
    )
    return StaffMember(int(row[0]), int(row[1]), str(row[2]), str(row[3]), groups)


async def teachers_of_group(conn: Connection, group_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT s.id FROM staff s JOIN staff_groups sg ON sg.staff_id = s.id "
            "WHERE sg.group_id = ? AND s.role = 'teacher' ORDER BY s.id",
            (group_id,),
        )
    ]


async def directors(conn: Connection, school_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT id FROM staff WHERE school_id = ? AND role = 'director' ORDER BY id",
            (school_id,),
        )
    ]


async def group_ids(conn: Connection, staff_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn, "SELECT group_id FROM staff_groups WHERE staff_id = ?", (staff_id,)
        )
    ]


async def reachable(conn: Connection, staff_id: int) -> bool:
    row = await fetch_one(
        conn, "SELECT 1 FROM account_links WHERE staff_id = ? LIMIT 1", (staff_id,)
    )
    return row is not None


async def school_staff(conn: Connection, school_id: int) -> list[tuple[int, str, str]]:
    """(id, name, role) of the teachers and directors of a school."""
    return [
        (int(r[0]), str(r[1]), str(r[2]))
        for r in await fetch_all(
            conn,
            "SELECT id, name, role FROM staff WHERE school_id = ? AND role IN ('teacher', "
            "'director') ORDER BY role DESC, name",
            (school_id,),
        )
    ]


async def groups_of(conn: Connection, staff_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn, "SELECT group_id FROM staff_groups WHERE staff_id = ?", (staff_id,)
        )
    ]
