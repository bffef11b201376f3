"""The consent ledger: append-only choices per student, guardian and purpose; and the
answers given through a consent round or recorded from a paper form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


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
    source: str | None = None,
    round_id: int | None = None,
    recorded_by: int | None = None,
) -> None:
    """``source`` is None for the parent's own choice in the menu, 'round' for an answer to
    a round's question, 'paper' for a signed form recorded by staff (``recorded_by``)."""
    await conn.execute(
        "INSERT INTO consent_ledger (school_id, student_id, guardian_id, purpose, granted, at, "
        "case_id, source, round_id, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            school_id,
            student_id,
            guardian_id,
            purpose,
            int(granted),
            at,
            case_id,
            source,
            round_id,
            recorded_by,
        ),
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a child's ledger."""

    guardian_id: int
    purpose: str
    granted: bool
    at: str
    source: str | None
    round_id: int | None
    recorded_by: int | None


async def entries(conn: Connection, student_id: int) -> list[Entry]:
    """Every choice recorded for the child, oldest first."""
    return [
        Entry(int(r[0]), str(r[1]), bool(r[2]), str(r[3]), r[4], r[5], r[6])
        for r in await fetch_all(
            conn,
            "SELECT guardian_id, purpose, granted, at, source, round_id, recorded_by "
            "FROM consent_ledger WHERE student_id = ? ORDER BY id",
            (student_id,),
        )
    ]


async def states_for_school(
    conn: Connection, school_id: int, purposes: Sequence[str]
) -> dict[tuple[int, str], tuple[bool, bool]]:
    """Per (student, purpose) that a current guardian answered: (all answers are yes, at
    least one is yes), from each current guardian's newest choice."""
    if not purposes:
        return {}
    marks = ",".join("?" * len(purposes))
    rows = await fetch_all(
        conn,
        "WITH latest AS (SELECT l.student_id, l.purpose, l.granted, MAX(l.id) "
        "FROM consent_ledger l JOIN guardian_students gs ON gs.student_id = l.student_id "
        "AND gs.guardian_id = l.guardian_id "
        f"WHERE l.school_id = ? AND l.purpose IN ({marks}) "
        "GROUP BY l.student_id, l.guardian_id, l.purpose) "
        "SELECT student_id, purpose, MIN(granted), MAX(granted) FROM latest "
        "GROUP BY student_id, purpose",
        (school_id, *purposes),
    )
    return {(int(r[0]), str(r[1])): (bool(r[2]), bool(r[3])) for r in rows}


async def add_answer(
    conn: Connection,
    *,
    key: str,
    school_id: int,
    source: str,
    student_id: int,
    guardian_id: int,
    purposes: int,
    at: str,
    round_id: int | None = None,
    request_id: int | None = None,
    recorded_by: int | None = None,
) -> bool:
    """Record that an answer was given (``source`` 'round' or 'paper'); False, and nothing
    recorded, when an answer with this key exists: the same answer again."""
    changed = await conn.execute(
        "INSERT INTO consent_answers (key, school_id, source, round_id, request_id, "
        "student_id, guardian_id, recorded_by, purposes, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (
            key,
            school_id,
            source,
            round_id,
            request_id,
            student_id,
            guardian_id,
            recorded_by,
            purposes,
            at,
        ),
    )
    return changed == 1


async def answer_at(conn: Connection, key: str) -> str | None:
    """When the answer with this key was recorded, if it was."""
    row = await fetch_one(conn, "SELECT at FROM consent_answers WHERE key = ?", (key,))
    return str(row[0]) if row else None


async def own_answers_for_school(
    conn: Connection, school_id: int, purposes: Sequence[str]
) -> dict[tuple[int, int], dict[str, bool]]:
    """Per (student, guardian): each purpose's newest choice of that guardian."""
    if not purposes:
        return {}
    marks = ",".join("?" * len(purposes))
    found: dict[tuple[int, int], dict[str, bool]] = {}
    for r in await fetch_all(
        conn,
        "SELECT l.student_id, l.guardian_id, l.purpose, l.granted FROM consent_ledger l "
        "JOIN (SELECT MAX(id) AS id FROM consent_ledger "
        f"WHERE school_id = ? AND purpose IN ({marks}) "
        "GROUP BY student_id, guardian_id, purpose) newest ON newest.id = l.id",
        (school_id, *purposes),
    ):
        found.setdefault((int(r[0]), int(r[1])), {})[str(r[2])] = bool(r[3])
    return found
