"""Privacy request cases: the one writer of the cases table and of each case's timeline
(case_events); the queries that list cases for staff."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, Row, fetch_all, fetch_one


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
class EventRow:
    """An entry on a case's timeline; ``staff_id`` names the staff member who acted."""

    at: str
    actor_role: str
    event: str
    staff_id: int | None
    subject: str | None = None
    """What the event is about, where it names one (the recipient informed)."""


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    outcome: str | None
    message: bytes | None
    details: str
    extension_reason: bytes | None
    lifted_on: str | None = None
    """The day a granted restriction ends (AVG art. 18(3)), told to the parent before."""
    lift_message: bytes | None = None


_SELECT = (
    "SELECT id, school_id, year, seq, kind, status, student_id, guardian_id, received_at, "
    "due_on, extended_due_on, assignee_role, assignee_staff_id, details, free_text, closed_at "
    "FROM cases "
)


def _row(r: Row) -> CaseRow:
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
    row = await fetch_one(
        conn,
        f"INSERT INTO cases ({', '.join(c for c, _ in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))}) RETURNING id",
        [v for _, v in columns],
    )
    assert row is not None
    return int(row[0])


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


async def change_status(
    conn: Connection,
    case_id: int,
    *,
    expected: str,
    status: str,
    closed_at: str | None = None,
    assignee_role: str | None = None,
    assignee_staff_id: int | None = None,
) -> bool:
    """Move from ``expected`` only (a concurrent change makes this a no-op); the assignee
    changes when one is given."""
    changed = await conn.execute(
        "UPDATE cases SET status = ?, closed_at = COALESCE(?, closed_at), "
        "assignee_role = COALESCE(?, assignee_role), "
        "assignee_staff_id = COALESCE(?, assignee_staff_id) WHERE id = ? AND status = ?",
        (status, closed_at, assignee_role, assignee_staff_id, case_id, expected),
    )
    return changed == 1


async def assign(conn: Connection, case_id: int, role: str, staff_id: int) -> None:
    """Hand an open case to someone else, its status unchanged."""
    await conn.execute(
        "UPDATE cases SET assignee_role = ?, assignee_staff_id = ? WHERE id = ?",
        (role, staff_id, case_id),
    )


async def extend(
    conn: Connection,
    case_id: int,
    *,
    expected: str,
    expected_due_on: str | None,
    due_on: str,
    reason: bytes,
) -> bool:
    """Set the extended answer date and its reasons, only while the status and the extended
    date are as expected (a concurrent extension makes this a no-op)."""
    changed = await conn.execute(
        "UPDATE cases SET extended_due_on = ?, extension_reason = ? "
        "WHERE id = ? AND status = ? AND extended_due_on IS NOT DISTINCT FROM ?",
        (due_on, reason, case_id, expected, expected_due_on),
    )
    return changed == 1


async def set_outcome(
    conn: Connection, case_id: int, outcome: str, message: bytes | None, details: str
) -> None:
    await conn.execute(
        "UPDATE cases SET outcome = ?, outcome_message = ?, outcome_details = ? WHERE id = ?",
        (outcome, message, details, case_id),
    )


async def outcome(conn: Connection, case_id: int) -> OutcomeRow:
    row = await fetch_one(
        conn,
        "SELECT outcome, outcome_message, outcome_details, extension_reason, lifted_on, "
        "lift_message FROM cases WHERE id = ?",
        (case_id,),
    )
    assert row is not None
    return OutcomeRow(
        row[0],
        bytes(row[1]) if row[1] is not None else None,
        str(row[2]),
        bytes(row[3]) if row[3] is not None else None,
        row[4],
        bytes(row[5]) if row[5] is not None else None,
    )


async def lift(conn: Connection, case_id: int, lifted_on: str, message: bytes) -> bool:
    """Set the day a granted restriction ends, once (a second lift changes nothing)."""
    changed = await conn.execute(
        "UPDATE cases SET lifted_on = ?, lift_message = ? WHERE id = ? AND lifted_on IS NULL",
        (lifted_on, message, case_id),
    )
    return changed == 1


async def add_event(
    conn: Connection,
    case_id: int,
    at: str,
    actor_role: str,
    event: str,
    staff_id: int | None = None,
    subject: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO case_events (case_id, at, actor_role, event, staff_id, subject) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (case_id, at, actor_role, event, staff_id, subject),
    )


async def events(conn: Connection, case_id: int) -> list[EventRow]:
    return [
        EventRow(str(r[0]), str(r[1]), str(r[2]), r[3], r[4])
        for r in await fetch_all(
            conn,
            "SELECT at, actor_role, event, staff_id, subject FROM case_events WHERE case_id = ? "
            "ORDER BY id",
            (case_id,),
        )
    ]


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: CaseRow
    """Without its free text and details: a queue line shows neither."""
    first_name: str
    group_id: int | None
    group_name: str | None


async def open_for_school(conn: Connection, school_id: int) -> list[QueueRow]:
    """Every open case of the school with its child's first name and group, in one read."""
    rows = await fetch_all(
        conn,
        "SELECT c.id, c.school_id, c.year, c.seq, c.kind, c.status, c.student_id, "
        "c.guardian_id, c.received_at, c.due_on, c.extended_due_on, c.assignee_role, "
        "c.assignee_staff_id, '{}', NULL, c.closed_at, s.first_name, s.group_id, g.name "
        "FROM cases c JOIN students s ON s.id = c.student_id "
        "LEFT JOIN school_groups g ON g.id = s.group_id "
        "WHERE c.school_id = ? AND c.status IN ('submitted', 'in_progress') ORDER BY c.id",
        (school_id,),
    )
    return [QueueRow(CaseRow(*tuple(r)[:16]), str(r[16]), r[17], r[18]) for r in rows]


async def open_assigned_to(conn: Connection, staff_id: int) -> list[CaseRow]:
    """The open cases a staff member holds, oldest first."""
    return [
        _row(r)
        for r in await fetch_all(
            conn,
            _SELECT + "WHERE assignee_staff_id = ? AND status IN ('submitted', 'in_progress') "
            "ORDER BY id",
            (staff_id,),
        )
    ]


async def open_count_by_assignee(conn: Connection, school_id: int) -> dict[int, int]:
    return {
        int(r[0]): int(r[1])
        for r in await fetch_all(
            conn,
            "SELECT assignee_staff_id, COUNT(*) FROM cases WHERE school_id = ? "
            "AND status IN ('submitted', 'in_progress') AND assignee_staff_id IS NOT NULL "
            "GROUP BY assignee_staff_id",
            (school_id,),
        )
    }


async def find_by_number(conn: Connection, school_id: int, year: int, seq: int) -> int | None:
    row = await fetch_one(
        conn,
        "SELECT id FROM cases WHERE school_id = ? AND year = ? AND seq = ?",
        (school_id, year, seq),
    )
    return int(row[0]) if row else None


async def counts(conn: Connection, school_id: int) -> dict[tuple[str, str], int]:
    return {
        (str(r[0]), str(r[1])): int(r[2])
        for r in await fetch_all(
            conn,
            "SELECT kind, status, COUNT(*) FROM cases WHERE school_id = ? GROUP BY kind, status",
            (school_id,),
        )
    }
