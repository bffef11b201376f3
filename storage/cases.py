"""Privacy request cases and their timeline."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: int
    school_id: int
    year: int
    seq: int
    kind: str
    status: str
    student_id: int
    guardian_id: int
    received_at: str
    due_on: str
    extended_due_on: str | None
    assignee_role: str
    assignee_staff_id: int | None
    details: str
    free_text: bytes | None
    closed_at: str | None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    at: str
    actor_role: str
    event: str


_SELECT = (
    "SELECT id, school_id, year, seq, kind, status, student_id, guardian_id, received_at, "
    "due_on, extended_due_on, assignee_role, assignee_staff_id, details, free_text, closed_at "
    "FROM cases "
)


def _row(r: aiosqlite.Row) -> CaseRow:
    fields = list(r)
    fields[14] = bytes(fields[14]) if fields[14] is not None else None
    return CaseRow(*fields)


async def next_seq(conn: Connection, school_id: int, year: int) -> int:
    row = await fetch_one(
        conn,
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM cases WHERE school_id = ? AND year = ?",
        (school_id, year),
    )
    assert row is not None
    return int(row[0])


async def insert(
    conn: Connection,
    *,
    school_id: int,
    year: int,
    seq: int,
    kind: str,
    student_id: int,
    guardian_id: int,
    received_at: str,
    due_on: str,
    assignee_role: str,
    assignee_staff_id: int | None,
    details: str,
    idempotency_key: str | None = None,
) -> int:
    columns = [
        ("school_id", school_id),
        ("year", year),
        ("seq", seq),
        ("kind", kind),
        ("status", "submitted"),
        ("student_id", student_id),
        ("guardian_id", guardian_id),
        ("received_at", received_at),
        ("due_on", due_on),
        ("assignee_role", assignee_role),
        ("assignee_staff_id", assignee_staff_id),
        ("details", details),
    ]
    if idempotency_key is not None:
        columns.append(("idempotency_key", idempotency_key))
    cursor = await conn.execute(
        f"INSERT INTO cases ({', '.join(c for c, _ in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        [v for _, v in columns],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def by_idempotency_key(conn: Connection, key: str) -> CaseRow | None:
    row = await fetch_one(conn, _SELECT + "WHERE idempotency_key = ?", (key,))
    return _row(row) if row else None


async def set_free_text(conn: Connection, case_id: int, blob: bytes | None) -> None:
    await conn.execute("UPDATE cases SET free_text = ? WHERE id = ?", (blob, case_id))


async def get(conn: Connection, case_id: int) -> CaseRow | None:
    row = await fetch_one(conn, _SELECT + "WHERE id = ?", (case_id,))
    return _row(row) if row else None


async def for_guardians(conn: Connection, guardian_ids: list[int]) -> list[CaseRow]:
    if not guardian_ids:
        return []
    marks = ",".join("?" * len(guardian_ids))
    return [
        _row(r)
        for r in await fetch_all(
            conn,
            _SELECT + f"WHERE guardian_id IN ({marks}) ORDER BY received_at DESC, id DESC",
            guardian_ids,
        )
    ]


async def set_status(
    conn: Connection, case_id: int, status: str, expected: str, closed_at: str | None
) -> bool:
    """Change the status only from ``expected``: a concurrent change makes this a no-op."""
    cursor = await conn.execute(
        "UPDATE cases SET status = ?, closed_at = ? WHERE id = ? AND status = ?",
        (status, closed_at, case_id, expected),
    )
    return cursor.rowcount == 1


async def add_event(conn: Connection, case_id: int, at: str, actor_role: str, event: str) -> None:
    await conn.execute(
        "INSERT INTO case_events (case_id, at, actor_role, event) VALUES (?, ?, ?, ?)",
        (case_id, at, actor_role, event),
    )


async def events(conn: Connection, case_id: int) -> list[CaseEvent]:
    return [
        CaseEvent(str(r[0]), str(r[1]), str(r[2]))
        for r in await fetch_all(
            conn,
            "SELECT at, actor_role, event FROM case_events WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
    ]
