"""Staff members, their role and the groups they teach, over time: a removed member keeps
the row (old timelines name them) but no groups, and is left out of every list."""

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
    removed_at: str | None = None

    @property
    def active(self) -> bool:
        return self.removed_at is None


async def create(
    conn: Connection, school_id: int, name: str, role: str, group_ids: list[int], at: str
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO staff (school_id, name, role, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        (school_id, name, role, at),
    )
    assert row is not None
    staff_id = int(row[0])
    await conn.executemany(
        "INSERT INTO staff_groups (staff_id, group_id) VALUES (?, ?)",
        [(staff_id, g) for g in group_ids],
    )
    return staff_id


async def get(conn: Connection, staff_id: int) -> StaffMember | None:
    row = await fetch_one(
        conn, "SELECT id, school_id, name, role, removed_at FROM staff WHERE id = ?", (staff_id,)
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
    return StaffMember(int(row[0]), int(row[1]), str(row[2]), str(row[3]), groups, row[4])


async def teachers_of_group(conn: Connection, group_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT s.id FROM staff s JOIN staff_groups sg ON sg.staff_id = s.id "
            "WHERE sg.group_id = ? AND s.role = 'teacher' AND s.removed_at IS NULL ORDER BY s.id",
            (group_id,),
        )
    ]


async def directors(conn: Connection, school_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT id FROM staff WHERE school_id = ? AND role = 'director' "
            "AND removed_at IS NULL ORDER BY id",
            (school_id,),
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
            "'director') AND removed_at IS NULL ORDER BY role DESC, name",
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


async def active_at_school(conn: Connection, school_id: int) -> list[StaffMember]:
    """Every staff member of the school who has not been removed, by role, then name."""
    rows = await fetch_all(
        conn,
        "SELECT id FROM staff WHERE school_id = ? AND removed_at IS NULL "
        "ORDER BY CASE role WHEN 'director' THEN 0 WHEN 'teacher' THEN 1 ELSE 2 END, name, id",
        (school_id,),
    )
    found = [await get(conn, int(r[0])) for r in rows]
    return [m for m in found if m is not None]


async def find_by_name(conn: Connection, school_id: int, name: str) -> list[StaffMember]:
    """Active staff members of the school with this name (case and spaces ignored)."""
    rows = await fetch_all(
        conn,
        "SELECT id FROM staff WHERE school_id = ? AND removed_at IS NULL "
        "AND lower(trim(name)) = lower(trim(?)) ORDER BY id",
        (school_id, name),
    )
    found = [await get(conn, int(r[0])) for r in rows]
    return [m for m in found if m is not None]


async def remove(conn: Connection, staff_id: int, at: str) -> bool:
    """Mark a member removed and take their groups; False when already removed."""
    changed = await conn.execute(
        "UPDATE staff SET removed_at = ? WHERE id = ? AND removed_at IS NULL", (at, staff_id)
    )
    if changed != 1:
        return False
    await conn.execute("DELETE FROM staff_groups WHERE staff_id = ?", (staff_id,))
    return True


async def set_groups(conn: Connection, staff_id: int, group_ids: list[int]) -> None:
    await conn.execute("DELETE FROM staff_groups WHERE staff_id = ?", (staff_id,))
    await conn.executemany(
        "INSERT INTO staff_groups (staff_id, group_id) VALUES (?, ?)",
        [(staff_id, g) for g in group_ids],
    )


async def last_activity(conn: Connection, staff_id: int) -> str | None:
    """When the member last did something on a request, or else linked their account."""
    row = await fetch_one(
        conn,
        "SELECT MAX(at) FROM (SELECT MAX(at) AS at FROM case_events WHERE staff_id = ? "
        "UNION ALL SELECT MAX(linked_at) FROM account_links WHERE staff_id = ?) AS activity",
        (staff_id, staff_id),
    )
    return str(row[0]) if row is not None and row[0] is not None else None
