"""What staff add to a case: internal notes, documents, and the recipients confirmed as
informed (AVG art. 19). A case's own row and its timeline are written by storage.cases."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


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


async def add_note(conn: Connection, case_id: int, staff_id: int, at: str) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO case_notes (case_id, staff_id, at, body) VALUES (?, ?, ?, ?) RETURNING id",
        (case_id, staff_id, at, b""),
    )
    assert row is not None
    return int(row[0])


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
    row = await fetch_one(
        conn,
        "INSERT INTO case_attachments (case_id, staff_id, at, kind, file_id) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (case_id, staff_id, at, kind, file_id),
    )
    assert row is not None
    return int(row[0])


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
    changed = await conn.execute(
        "UPDATE case_attachments SET received_at = ? WHERE case_id = ? AND received_at IS NULL",
        (at, case_id),
    )
    return changed > 0


async def confirm_informed(
    conn: Connection, case_id: int, recipient: str, staff_id: int, at: str, received: bool = True
) -> bool:
    """Record a recipient as informed, or (``received`` False) as not applicable: it never
    received this data. Once per recipient and case."""
    changed = await conn.execute(
        "INSERT INTO case_recipients_informed (case_id, recipient, staff_id, at, received) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (case_id, recipient, staff_id, at, int(received)),
    )
    return changed == 1


async def informed(conn: Connection, case_id: int) -> list[str]:
    """The recipients dealt with: informed or not applicable."""
    return [recipient for recipient, _received in await recipients_done(conn, case_id)]


async def recipients_done(conn: Connection, case_id: int) -> list[tuple[str, bool]]:
    """Each recipient dealt with, and whether it had received the data (was informed)."""
    return [
        (str(r[0]), bool(r[1]))
        for r in await fetch_all(
            conn,
            "SELECT recipient, received FROM case_recipients_informed WHERE case_id = ? "
            "ORDER BY at, recipient",
            (case_id,),
        )
    ]
