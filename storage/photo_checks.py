"""Photo checks: a teacher checked, before publishing a photo, whether the children in it
may appear for a purpose. Who, when, the purpose, how many children and the verdict; per
child whether it was cleared. Never the photo, nothing about faces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class CheckRow:
    id: int
    school_id: int
    staff_id: int
    at: str
    purpose: str
    children: int
    left_out: int
    verdict: str


_COLUMNS = "id, school_id, staff_id, at, purpose, children, left_out, verdict"


async def insert(
    conn: Connection,
    *,
    school_id: int,
    staff_id: int,
    at: str,
    purpose: str,
    cleared: Sequence[int],
    left_out: Sequence[int],
    idempotency_key: str | None,
) -> int:
    found = await fetch_one(
        conn,
        "INSERT INTO photo_checks (school_id, staff_id, at, purpose, children, left_out, "
        "verdict, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            school_id,
            staff_id,
            at,
            purpose,
            len(cleared) + len(left_out),
            len(left_out),
            "leave_out" if left_out else "publish",
            idempotency_key,
        ),
    )
    assert found is not None
    check_id = int(found[0])
    await conn.executemany(
        "INSERT INTO photo_check_children (check_id, student_id, cleared) VALUES (?, ?, ?)",
        [(check_id, s, 1) for s in cleared] + [(check_id, s, 0) for s in left_out],
    )
    return check_id


async def by_key(conn: Connection, key: str) -> CheckRow | None:
    row = await fetch_one(
        conn, f"SELECT {_COLUMNS} FROM photo_checks WHERE idempotency_key = ?", (key,)
    )
    return CheckRow(*tuple(row)) if row else None


async def children_of(conn: Connection, check_id: int) -> list[tuple[int, bool]]:
    return [
        (int(r[0]), bool(r[1]))
        for r in await fetch_all(
            conn,
            "SELECT student_id, cleared FROM photo_check_children WHERE check_id = ? "
            "ORDER BY student_id",
            (check_id,),
        )
    ]


async def cleared(conn: Connection, student_id: int, purpose: str) -> list[CheckRow]:
    """The checks that cleared this child for this purpose, oldest first."""
    columns = ", ".join(f"c.{c.strip()}" for c in _COLUMNS.split(","))
    return [
        CheckRow(*tuple(r))
        for r in await fetch_all(
            conn,
            f"SELECT {columns} FROM photo_checks c JOIN photo_check_children k "
            "ON k.check_id = c.id WHERE k.student_id = ? AND k.cleared = 1 AND c.purpose = ? "
            "ORDER BY c.id",
            (student_id, purpose),
        )
    ]


async def for_school(conn: Connection, school_id: int, since: str) -> list[CheckRow]:
    return [
        CheckRow(*tuple(r))
        for r in await fetch_all(
            conn,
            f"SELECT {_COLUMNS} FROM photo_checks WHERE school_id = ? AND at >= ? ORDER BY id",
            (school_id, since),
        )
    ]
