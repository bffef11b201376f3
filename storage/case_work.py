"""What staff add to a case: status changes with their actor, notes, documents, outcomes,
and the recipients confirmed as informed (AVG art. 19)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.cases import CaseRow
from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class StaffEvent:
    at: str
    actor_role: str
    event: str
    staff_id: int | None


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    staff_id: int
    at: str
    body: bytes


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    id: int
    staff_id: int
    at: str
    kind: str
    file_id: str
    file_name: bytes | None
    delivered_at: str | None
    received_at: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str | None
    message: bytes | None
    details: str
    extension_reason: bytes | None


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
    cursor = await conn.execute(
        "UPDATE cases SET status = ?, closed_at = COALESCE(?, closed_at), "
        "assignee_role = COALESCE(?, assignee_role), "
        "assignee_staff_id = COALESCE(?, assignee_staff_id) WHERE id = ? AND status = ?",
        (status, closed_at, assignee_role, assignee_staff_id, case_id, expected),
    )
    return cursor.rowcount == 1


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
    cursor = await conn.execute(
        "UPDATE cases SET extended_due_on = ?, extension_reason = ? "
        "WHERE id = ? AND status = ? AND extended_due_on IS ?",
        (due_on, reason, case_id, expected, expected_due_on),
    )
    return cursor.rowcount == 1


async def set_outcome(
    conn: Connection, case_id: int, outcome: str, message: bytes | None, details: str
) -> None:
    await conn.execute(
        "UPDATE cases SET outcome = ?, outcome_message = ?, outcome_details = ? WHERE id = ?",
        (outcome, message, details, case_id),
    )


async def outcome(conn: Connection, case_id: int) -> Outcome:
    row = await fetch_one(
        conn,
        "SELECT outcome, outcome_message, outcome_details, extension_reason FROM cases "
        "WHERE id = ?",
        (case_id,),
    )
    assert row is not None
    return Outcome(
        row[0],
        bytes(row[1]) if row[1] is not None else None,
        str(row[2]),
        bytes(row[3]) if row[3] is not None else None,
    )


async def add_event(
    conn: Connection, case_id: int, at: str, actor_role: str, event: str, staff_id: int | None
) -> None:
    await conn.execute(
        "INSERT INTO case_events (case_id, at, actor_role, event, staff_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (case_id, at, actor_role, event, staff_id),
    )


async def events(conn: Connection, case_id: int) -> list[StaffEvent]:
    return [
        StaffEvent(str(r[0]), str(r[1]), str(r[2]), r[3])
        for r in await fetch_all(
            conn,
            "SELECT at, actor_role, event, staff_id FROM case_events WHERE case_id = ? "
            "ORDER BY id",
            (case_id,),
        )
    ]


async def add_note(conn: Connection, case_id: int, staff_id: int, at: str) -> int:
    cursor = await conn.execute(
        "INSERT INTO case_notes (case_id, staff_id, at, body) VALUES (?, ?, ?, x'')",
        (case_id, staff_id, at),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def set_note_body(conn: Connection, note_id: int, body: bytes) -> None:
    await conn.execute("UPDATE case_notes SET body = ? WHERE id = ?", (body, note_id))


async def notes(conn: Connection, case_id: int) -> list[NoteRow]:
    return [
        NoteRow(int(r[0]), int(r[1]), str(r[2]), bytes(r[3]))
        for r in await fetch_all(
            conn,
            "SELECT id, staff_id, at, body FROM case_notes WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
    ]


async def add_attachment(
    conn: Connection, case_id: int, staff_id: int, at: str, kind: str, file_id: str
) -> int:
    cursor = await conn.execute(
        "INSERT INTO case_attachments (case_id, staff_id, at, kind, file_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (case_id, staff_id, at, kind, file_id),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def set_attachment_name(conn: Connection, attachment_id: int, name: bytes) -> None:
    await conn.execute(
        "UPDATE case_attachments SET file_name = ? WHERE id = ?", (name, attachment_id)
    )


async def attachments(conn: Connection, case_id: int) -> list[AttachmentRow]:
    return [
        AttachmentRow(
            int(r[0]),
            int(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            bytes(r[5]) if r[5] is not None else None,
            r[6],
            r[7],
        )
        for r in await fetch_all(
            conn,
            "SELECT id, staff_id, at, kind, file_id, file_name, delivered_at, received_at "
            "FROM case_attachments WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
    ]


async def mark_delivered(conn: Connection, case_id: int, at: str) -> None:
    await conn.execute(
        "UPDATE case_attachments SET delivered_at = ? WHERE case_id = ? AND delivered_at IS NULL",
        (at, case_id),
    )


async def mark_received(conn: Connection, case_id: int, at: str) -> bool:
    cursor = await conn.execute(
        "UPDATE case_attachments SET received_at = ? WHERE case_id = ? AND received_at IS NULL",
        (at, case_id),
    )
    return cursor.rowcount > 0


async def confirm_informed(
    conn: Connection, case_id: int, recipient: str, staff_id: int, at: str
) -> bool:
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO case_recipients_informed (case_id, recipient, staff_id, at) "
        "VALUES (?, ?, ?, ?)",
        (case_id, recipient, staff_id, at),
    )
    return cursor.rowcount == 1


async def informed(conn: Connection, case_id: int) -> list[str]:
    return [
        str(r[0])
        for r in await fetch_all(
            conn,
            "SELECT recipient FROM case_recipients_informed WHERE case_id = ? ORDER BY at",
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
