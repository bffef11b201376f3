"""Students, guardians and the links between them, as imported from the school's roster."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class Student:
    id: int
    school_id: int
    external_id: str
    first_name: str
    last_name: str
    birth_date_mac: str
    group_id: int | None
    group_name: str | None
    left_at: str | None


@dataclass(frozen=True, slots=True)
class Guardian:
    id: int
    school_id: int
    external_id: str
    name: str
    email: str
    language: str


_STUDENT_SELECT = (
    "SELECT s.id, s.school_id, s.external_id, s.first_name, s.last_name, s.birth_date_mac, "
    "s.group_id, g.name AS group_name, s.left_at FROM students s "
    "LEFT JOIN school_groups g ON g.id = s.group_id "
)
_GUARDIAN_SELECT = "SELECT id, school_id, external_id, name, email, language FROM guardians "


async def students_by_external_id(conn: Connection, school_id: int) -> dict[str, Student]:
    return {
        str(r["external_id"]): Student(*tuple(r))
        for r in await fetch_all(conn, _STUDENT_SELECT + "WHERE s.school_id = ?", (school_id,))
    }


async def guardians_by_external_id(conn: Connection, school_id: int) -> dict[str, Guardian]:
    return {
        str(r["external_id"]): Guardian(*tuple(r))
        for r in await fetch_all(conn, _GUARDIAN_SELECT + "WHERE school_id = ?", (school_id,))
    }


async def upsert_student(
    conn: Connection,
    school_id: int,
    external_id: str,
    first_name: str,
    last_name: str,
    birth_date_mac: str,
    group_id: int,
) -> None:
    await conn.execute(
        "INSERT INTO students (school_id, external_id, first_name, last_name, birth_date_mac, "
        "group_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (school_id, external_id) DO UPDATE SET "
        "first_name = excluded.first_name, last_name = excluded.last_name, "
        "birth_date_mac = excluded.birth_date_mac, group_id = excluded.group_id, left_at = NULL",
        (school_id, external_id, first_name, last_name, birth_date_mac, group_id),
    )


async def mark_left(conn: Connection, student_id: int, at: str) -> None:
    await conn.execute("UPDATE students SET left_at = ? WHERE id = ?", (at, student_id))


async def upsert_guardian(
    conn: Connection, school_id: int, external_id: str, name: str, email: str, language: str
) -> None:
    await conn.execute(
        "INSERT INTO guardians (school_id, external_id, name, email, language) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (school_id, external_id) DO UPDATE SET "
        "name = excluded.name, email = excluded.email, language = excluded.language",
        (school_id, external_id, name, email, language),
    )


async def links(conn: Connection, school_id: int) -> set[tuple[int, int]]:
    return {
        (int(r[0]), int(r[1]))
        for r in await fetch_all(
            conn,
            "SELECT gs.guardian_id, gs.student_id FROM guardian_students gs "
            "JOIN students s ON s.id = gs.student_id WHERE s.school_id = ?",
            (school_id,),
        )
    }


async def set_links(
    conn: Connection, add: set[tuple[int, int]], remove: set[tuple[int, int]]
) -> None:
    await conn.executemany(
        "DELETE FROM guardian_students WHERE guardian_id = ? AND student_id = ?", sorted(remove)
    )
    await conn.executemany(
        "INSERT INTO guardian_students (guardian_id, student_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING",
        sorted(add),
    )


async def guardian(conn: Connection, guardian_id: int) -> Guardian | None:
    row = await fetch_one(conn, _GUARDIAN_SELECT + "WHERE id = ?", (guardian_id,))
    return Guardian(*tuple(row)) if row else None


async def children_of(conn: Connection, guardian_ids: list[int]) -> list[Student]:
    if not guardian_ids:
        return []
    marks = ",".join("?" * len(guardian_ids))
    return [
        Student(*tuple(r))
        for r in await fetch_all(
            conn,
            _STUDENT_SELECT + "WHERE s.id IN (SELECT student_id FROM guardian_students "
            f"WHERE guardian_id IN ({marks})) ORDER BY s.first_name, s.id",
            guardian_ids,
        )
    ]


async def guardians_for_school(
    conn: Connection, school_id: int, group: str | None = None
) -> list[Guardian]:
    """Guardians with at least one current student (optionally in one group)."""
    sql = (
        _GUARDIAN_SELECT + "WHERE school_id = ? AND id IN ("
        "SELECT gs.guardian_id FROM guardian_students gs JOIN students s ON s.id = gs.student_id "
        "LEFT JOIN school_groups g ON g.id = s.group_id WHERE s.left_at IS NULL"
    )
    params: list[object] = [school_id]
    if group is not None:
        sql += " AND g.name = ?"
        params.append(group)
    return [
        Guardian(*tuple(r)) for r in await fetch_all(conn, sql + ") ORDER BY name, id", params)
    ]


async def student(conn: Connection, student_id: int) -> Student | None:
    row = await fetch_one(conn, _STUDENT_SELECT + "WHERE s.id = ?", (student_id,))
    return Student(*tuple(row)) if row else None


async def guardians_of(conn: Connection, student_id: int) -> list[int]:
    return [
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT guardian_id FROM guardian_students WHERE student_id = ? ORDER BY guardian_id",
            (student_id,),
        )
    ]


async def current_students_of_group(conn: Connection, group_id: int) -> list[Student]:
    """The pupils in the group now (pupils who left are not), by name."""
    return [
        Student(*tuple(r))
        for r in await fetch_all(
            conn,
            _STUDENT_SELECT + "WHERE s.group_id = ? AND s.left_at IS NULL "
            "ORDER BY s.first_name, s.last_name, s.id",
            (group_id,),
        )
    ]
