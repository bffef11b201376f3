"""The photo-consent ledger: append-only choices per student, guardian and purpose."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all


@dataclass(frozen=True, slots=True)
class Choice:
    guardian_id: int
    purpose: str
    granted: bool
    at: str


async def append(
    conn: Connection,
    *,
    school_id: int,
    student_id: int,
    guardian_id: int,
    purpose: str,
    granted: bool,
    at: str,
    case_id: int | None,
) -> None:
    await conn.execute(
        "INSERT INTO consent_ledger (school_id, student_id, guardian_id, purpose, granted, at, "
        "case_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (school_id, student_id, guardian_id, purpose, int(granted), at, case_id),
    )


async def latest(conn: Connection, student_id: int) -> list[Choice]:
    """Each guardian's newest choice per purpose for this student."""
    return [
        Choice(int(r[0]), str(r[1]), bool(r[2]), str(r[3]))
        for r in await fetch_all(
            conn,
            "SELECT guardian_id, purpose, granted, at FROM consent_ledger l WHERE student_id = ? "
            "AND id = (SELECT MAX(id) FROM consent_ledger WHERE student_id = l.student_id "
            "AND guardian_id = l.guardian_id AND purpose = l.purpose)",
            (student_id,),
        )
    ]


async def latest_for_group(conn: Connection, group_id: int) -> dict[int, list[Choice]]:
    """For each current pupil of the group, each current guardian's newest choice per purpose.

    A guardian no longer linked to the pupil (the roster removed the link) no longer counts.
    """
    found: dict[int, list[Choice]] = {}
    for r in await fetch_all(
        conn,
        "SELECT l.student_id, l.guardian_id, l.purpose, l.granted, l.at FROM consent_ledger l "
        "JOIN students s ON s.id = l.student_id "
        "JOIN guardian_students gs ON gs.student_id = l.student_id "
        "AND gs.guardian_id = l.guardian_id "
        "WHERE s.group_id = ? AND s.left_at IS NULL "
        "AND l.id = (SELECT MAX(id) FROM consent_ledger WHERE student_id = l.student_id "
        "AND guardian_id = l.guardian_id AND purpose = l.purpose)",
        (group_id,),
    ):
        found.setdefault(int(r[0]), []).append(Choice(int(r[1]), str(r[2]), bool(r[3]), str(r[4])))
    return found
