"""Reads for digests, reports and reminders: cases by their dates, without free text."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, Dialects, fetch_all


@dataclass(frozen=True, slots=True)
class CaseDates:
    id: int
    school_id: int
    year: int
    seq: int
    kind: str
    status: str
    student_id: int
    received_at: str
    due_on: str
    extended_due_on: str | None
    closed_at: str | None
    assignee_role: str
    assignee_staff_id: int | None


_SELECT = (
    "SELECT id, school_id, year, seq, kind, status, student_id, received_at, due_on, "
    "extended_due_on, closed_at, assignee_role, assignee_staff_id FROM cases "
)


async def open_cases(conn: Connection, school_id: int) -> list[CaseDates]:
    return [
        CaseDates(*tuple(r))
        for r in await fetch_all(
            conn,
            _SELECT + "WHERE school_id = ? AND status IN ('submitted', 'in_progress') "
            "ORDER BY COALESCE(extended_due_on, due_on), id",
            (school_id,),
        )
    ]


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case as a digest lists it: number, kind, due date."""

    year: int
    seq: int
    kind: str
    due: str

    @property
    def number(self) -> str:
        return f"{self.year}-{self.seq:04d}"


@dataclass(frozen=True, slots=True)
class OpenGroup:
    """Open cases of one kind, status and assignee: how many, and how many are overdue."""

    kind: str
    status: str
    assignee_staff_id: int | None
    count: int
    overdue: int


@dataclass(frozen=True, slots=True)
class Closed:
    kind: str
    status: str
    due: str
    closed_at: str


_DUE = "COALESCE(extended_due_on, due_on)"
_OPEN = "status IN ('submitted', 'in_progress')"


async def received_between(
    conn: Connection, school_id: int, start: str, end: str
) -> list[CaseRef]:
    return [
        CaseRef(int(r[0]), int(r[1]), str(r[2]), str(r[3]))
        for r in await fetch_all(
            conn,
            f"SELECT year, seq, kind, {_DUE} FROM cases WHERE school_id = ? "
            "AND received_at >= ? AND received_at < ? ORDER BY year, seq",
            (school_id, start, end),
        )
    ]


async def open_groups(conn: Connection, school_id: int, today: str) -> list[OpenGroup]:
    """Open cases counted by kind, status and assignee (``today`` decides overdue)."""
    return [
        OpenGroup(str(r[0]), str(r[1]), r[2], int(r[3]), int(r[4]))
        for r in await fetch_all(
            conn,
            f"SELECT kind, status, assignee_staff_id, COUNT(*), "
            f"SUM(CASE WHEN {_DUE} < ? THEN 1 ELSE 0 END) FROM cases "
            f"WHERE school_id = ? AND {_OPEN} GROUP BY kind, status, assignee_staff_id",
            (today, school_id),
        )
    ]


def _open_at_sql(received: str) -> str:
    # Two parts, each on its own index: what is open now, and what closed since.
    return (
        "SELECT kind, COUNT(*), SUM(CASE WHEN due < ? THEN 1 ELSE 0 END) FROM ("
        f"SELECT kind, {_DUE} AS due FROM cases WHERE school_id = ? AND {_OPEN} "
        f"AND closed_at IS NULL AND {received} < ? "
        f"UNION ALL SELECT kind, {_DUE} AS due FROM cases WHERE school_id = ? "
        "AND closed_at >= ? AND received_at < ?"
        ") AS open_then GROUP BY kind"
    )


# SQLite would read every case received before the moment through that index; the unary
# plus keeps it on the index of open cases instead.
_OPEN_AT = Dialects(sqlite=_open_at_sql("+received_at"), postgresql=_open_at_sql("received_at"))


async def open_at(
    conn: Connection, school_id: int, moment: str, day: str
) -> dict[str, tuple[int, int]]:
    """Per kind, the cases open at ``moment`` (received before it, not closed by then), and
    how many of those were past their answer date on ``day``: what a week left open, also
    when its report is made up days later."""
    return {
        str(r[0]): (int(r[1]), int(r[2]))
        for r in await fetch_all(
            conn, _OPEN_AT.of(conn), (day, school_id, moment, school_id, moment, moment)
        )
    }


async def open_due_between(
    conn: Connection, school_id: int, first: str, last: str
) -> list[CaseRef]:
    """Open cases due on a day in [first, last] (ISO dates), by due date."""
    return [
        CaseRef(int(r[0]), int(r[1]), str(r[2]), str(r[3]))
        for r in await fetch_all(
            conn,
            f"SELECT year, seq, kind, {_DUE} FROM cases WHERE school_id = ? AND {_OPEN} "
            f"AND {_DUE} >= ? AND {_DUE} <= ? ORDER BY {_DUE}, year, seq",
            (school_id, first, last),
        )
    ]


async def closed_between(conn: Connection, school_id: int, start: str, end: str) -> list[Closed]:
    return [
        Closed(str(r[0]), str(r[1]), str(r[2]), str(r[3]))
        for r in await fetch_all(
            conn,
            f"SELECT kind, status, {_DUE}, closed_at FROM cases WHERE school_id = ? "
            "AND closed_at >= ? AND closed_at < ?",
            (school_id, start, end),
        )
    ]


async def events_between(
    conn: Connection, school_id: int, event: str, start: str, end: str
) -> list[tuple[int, str]]:
    """(case id, kind) of the cases that had ``event`` in [start, end)."""
    return [
        (int(r[0]), str(r[1]))
        for r in await fetch_all(
            conn,
            "SELECT e.case_id, c.kind FROM case_events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.school_id = ? AND e.event = ? AND e.at >= ? AND e.at < ? ORDER BY e.id",
            (school_id, event, start, end),
        )
    ]


async def undeliverable_between(
    conn: Connection, school_id: int, start: str, end: str
) -> list[tuple[int, int | None]]:
    """(chat id, case id) of messages found undeliverable in [start, end)."""
    return [
        (int(r[0]), r[1])
        for r in await fetch_all(
            conn,
            "SELECT chat_id, case_id FROM outbox WHERE school_id = ? AND status = 'undeliverable' "
            "AND created_at >= ? AND created_at < ? ORDER BY id",
            (school_id, start, end),
        )
    ]


async def privacy_officers(conn: Connection) -> list[tuple[int, int]]:
    """(staff id, school id) of every privacy officer: the report covers all schools."""
    return [
        (int(r[0]), int(r[1]))
        for r in await fetch_all(
            conn, "SELECT id, school_id FROM staff WHERE role = 'privacy_officer' ORDER BY id"
        )
    ]


async def people_of_chat(conn: Connection, chat_id: int) -> list[str]:
    """Names of the guardians and staff members a chat is linked to (for the digest only)."""
    return [
        str(r[0])
        for r in await fetch_all(
            conn,
            "SELECT COALESCE(g.name, s.name) FROM accounts a "
            "JOIN account_links l ON l.telegram_user_id = a.telegram_user_id "
            "LEFT JOIN guardians g ON g.id = l.guardian_id "
            "LEFT JOIN staff s ON s.id = l.staff_id WHERE a.chat_id = ? ORDER BY l.id",
            (chat_id,),
        )
    ]


async def blocked_codes_between(
    conn: Connection, school_id: int, start: str, end: str, failures: int
) -> list[str]:
    """Guardians whose code was blocked after ``failures`` wrong dates of birth in [start, end)."""
    return [
        str(r[0])
        for r in await fetch_all(
            conn,
            "SELECT g.name FROM invitations i JOIN guardians g ON g.id = i.guardian_id "
            "WHERE i.school_id = ? AND i.revoked_at >= ? AND i.revoked_at < ? "
            "AND i.birth_date_failures >= ? ORDER BY g.name",
            (school_id, start, end, failures),
        )
    ]


async def codes_expiring(conn: Connection, school_id: int, start: str, end: str) -> list[str]:
    """Guardians whose unused code expires in [start, end)."""
    return [
        str(r[0])
        for r in await fetch_all(
            conn,
            "SELECT g.name FROM invitations i JOIN guardians g ON g.id = i.guardian_id "
            "WHERE i.school_id = ? AND i.used_at IS NULL AND i.revoked_at IS NULL "
            "AND i.expires_at >= ? AND i.expires_at < ? ORDER BY g.name",
            (school_id, start, end),
        )
    ]


_EARLIER = (
    "FROM consent_ledger p WHERE p.student_id = r.student_id AND p.guardian_id = r.guardian_id "
    "AND p.purpose = r.purpose AND p.id < r.id"
)


async def consent_withdrawals_between(
    conn: Connection, school_id: int, start: str, end: str
) -> int:
    """Consent a parent had given and withdrew (their earlier answer was yes)."""
    rows = await fetch_all(
        conn,
        "SELECT COUNT(*) FROM consent_ledger r WHERE r.school_id = ? AND r.granted = 0 "
        f"AND r.at >= ? AND r.at < ? AND (SELECT p.granted {_EARLIER} ORDER BY p.id DESC "
        "LIMIT 1) = 1",
        (school_id, start, end),
    )
    return int(rows[0][0])


async def consent_refusals_between(conn: Connection, school_id: int, start: str, end: str) -> int:
    """Consent refused as a parent's first answer for a purpose (not a withdrawal)."""
    rows = await fetch_all(
        conn,
        "SELECT COUNT(*) FROM consent_ledger r WHERE r.school_id = ? AND r.granted = 0 "
        f"AND r.at >= ? AND r.at < ? AND NOT EXISTS (SELECT 1 {_EARLIER})",
        (school_id, start, end),
    )
    return int(rows[0][0])
