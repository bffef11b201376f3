"""Consent rounds and their requests: one per guardian and child, with what happened to it.

A request is asked in the bot (its question queued in the outbox), reminded, answered (in
the round, in the menu or on paper), blocked (the bot could not reach the guardian) or
stopped (the guardian or the pupil is no longer on the roster).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.db import Connection, Row, fetch_all, fetch_one

_ROUND_COLUMNS = (
    "id, school_id, number, purposes, audience, message, started_by, started_at, closes_on, "
    "closes_at, status, ended_at, ended_by"
)
_REQUEST_COLUMNS = (
    "id, round_id, student_id, guardian_id, added_at, joined_late, asked_at, outbox_ref, "
    "reminders, reminded_at, answered_at, answered_via, blocked_at, stopped_at"
)


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: int
    school_id: int
    number: int
    purposes: tuple[str, ...]
    audience: str
    message: bytes | None
    started_by: int
    started_at: str
    closes_on: str
    closes_at: str
    status: str
    ended_at: str | None
    ended_by: int | None


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: int
    round_id: int
    student_id: int
    guardian_id: int
    added_at: str
    joined_late: bool
    asked_at: str | None
    outbox_ref: str | None
    reminders: int
    reminded_at: str | None
    answered_at: str | None
    answered_via: str | None
    blocked_at: str | None
    stopped_at: str | None


def _round(r: Row) -> RoundRow:
    return RoundRow(
        int(r[0]),
        int(r[1]),
        int(r[2]),
        tuple(json.loads(r[3])),
        str(r[4]),
        bytes(r[5]) if r[5] is not None else None,
        int(r[6]),
        str(r[7]),
        str(r[8]),
        str(r[9]),
        str(r[10]),
        r[11],
        r[12],
    )


def _request(r: Row) -> RequestRow:
    return RequestRow(
        int(r[0]),
        int(r[1]),
        int(r[2]),
        int(r[3]),
        str(r[4]),
        bool(r[5]),
        r[6],
        r[7],
        int(r[8]),
        r[9],
        r[10],
        r[11],
        r[12],
        r[13],
    )


# --- rounds ---------------------------------------------------------------------------


async def next_number(conn: Connection, school_id: int) -> int:
    row = await fetch_one(
        conn,
        "SELECT COALESCE(MAX(number), 0) + 1 FROM consent_rounds WHERE school_id = ?",
        (school_id,),
    )
    assert row is not None
    return int(row[0])


async def insert(
    conn: Connection,
    *,
    school_id: int,
    number: int,
    purposes: Sequence[str],
    audience: str,
    started_by: int,
    started_at: str,
    closes_on: str,
    closes_at: str,
    idempotency_key: str | None,
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO consent_rounds (school_id, number, purposes, audience, started_by, "
        "started_at, closes_on, closes_at, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        (
            school_id,
            number,
            json.dumps(list(purposes)),
            audience,
            started_by,
            started_at,
            closes_on,
            closes_at,
            idempotency_key,
        ),
    )
    assert row is not None
    return int(row[0])


async def set_message(conn: Connection, round_id: int, blob: bytes) -> None:
    await conn.execute("UPDATE consent_rounds SET message = ? WHERE id = ?", (blob, round_id))


async def get(conn: Connection, round_id: int) -> RoundRow | None:
    row = await fetch_one(
        conn, f"SELECT {_ROUND_COLUMNS} FROM consent_rounds WHERE id = ?", (round_id,)
    )
    return _round(row) if row else None


async def by_number(conn: Connection, school_id: int, number: int) -> RoundRow | None:
    row = await fetch_one(
        conn,
        f"SELECT {_ROUND_COLUMNS} FROM consent_rounds WHERE school_id = ? AND number = ?",
        (school_id, number),
    )
    return _round(row) if row else None


async def by_key(conn: Connection, key: str) -> list[RoundRow]:
    """The rounds one start made (one per school), by the key it carried."""
    return [
        _round(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_ROUND_COLUMNS} FROM consent_rounds "
            "WHERE substr(idempotency_key, 1, ?) = ? ORDER BY id",
            (len(key) + 1, f"{key}#"),
        )
    ]


async def for_school(conn: Connection, school_id: int) -> list[RoundRow]:
    """Every round of the school, newest first."""
    return [
        _round(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_ROUND_COLUMNS} FROM consent_rounds WHERE school_id = ? "
            "ORDER BY number DESC",
            (school_id,),
        )
    ]


async def open_rounds(conn: Connection, school_id: int | None = None) -> list[RoundRow]:
    sql = f"SELECT {_ROUND_COLUMNS} FROM consent_rounds WHERE status = 'open'"
    params: tuple[object, ...] = ()
    if school_id is not None:
        sql += " AND school_id = ?"
        params = (school_id,)
    return [_round(r) for r in await fetch_all(conn, sql + " ORDER BY id", params)]


async def end(conn: Connection, round_id: int, status: str, at: str, by: int | None) -> bool:
    """Close or cancel an open round; False when it was no longer open."""
    changed = await conn.execute(
        "UPDATE consent_rounds SET status = ?, ended_at = ?, ended_by = ? "
        "WHERE id = ? AND status = 'open'",
        (status, at, by, round_id),
    )
    return changed == 1


# --- requests -------------------------------------------------------------------------


async def add_requests(
    conn: Connection,
    round_id: int,
    pairs: Iterable[tuple[int, int]],
    at: str,
    *,
    joined_late: bool = False,
) -> None:
    """A request per (student, guardian) pair; a pair the round already has is left alone."""
    await conn.executemany(
        "INSERT INTO consent_round_requests (round_id, student_id, guardian_id, added_at, "
        "joined_late) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(round_id, s, g, at, int(joined_late)) for s, g in pairs],
    )


async def requests(conn: Connection, round_id: int) -> list[RequestRow]:
    return [
        _request(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests WHERE round_id = ? "
            "ORDER BY id",
            (round_id,),
        )
    ]


async def request(conn: Connection, request_id: int) -> RequestRow | None:
    row = await fetch_one(
        conn,
        f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests WHERE id = ?",
        (request_id,),
    )
    return _request(row) if row else None


async def request_of_pair(
    conn: Connection, round_id: int, student_id: int, guardian_id: int
) -> RequestRow | None:
    row = await fetch_one(
        conn,
        f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests WHERE round_id = ? "
        "AND student_id = ? AND guardian_id = ?",
        (round_id, student_id, guardian_id),
    )
    return _request(row) if row else None


async def request_by_outbox_ref(conn: Connection, ref: str) -> RequestRow | None:
    row = await fetch_one(
        conn,
        f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests WHERE outbox_ref = ?",
        (ref,),
    )
    return _request(row) if row else None


async def mark_asked(conn: Connection, asked: Sequence[tuple[int, str]], at: str) -> None:
    """(request id, outbox ref of its question) for each request asked in the bot now."""
    await conn.executemany(
        "UPDATE consent_round_requests SET asked_at = ?, outbox_ref = ? WHERE id = ?",
        [(at, ref, request_id) for request_id, ref in asked],
    )


async def mark_not_asked(conn: Connection, request_ids: Sequence[int]) -> None:
    """Their question was withdrawn before it went out: they were not asked after all."""
    await conn.executemany(
        "UPDATE consent_round_requests SET asked_at = NULL, outbox_ref = NULL WHERE id = ?",
        [(i,) for i in request_ids],
    )


async def unmark_reminded(conn: Connection, request_ids: Sequence[int]) -> None:
    """A reminder was withdrawn before it went out: it does not count as sent."""
    await conn.executemany(
        "UPDATE consent_round_requests SET reminders = reminders - 1 "
        "WHERE id = ? AND reminders > 0",
        [(i,) for i in request_ids],
    )


async def mark_blocked(conn: Connection, request_ids: Sequence[int], at: str) -> None:
    await conn.executemany(
        "UPDATE consent_round_requests SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL",
        [(at, i) for i in request_ids],
    )


async def mark_stopped(conn: Connection, request_ids: Sequence[int], at: str) -> None:
    await conn.executemany(
        "UPDATE consent_round_requests SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL",
        [(at, i) for i in request_ids],
    )


async def mark_reminded(conn: Connection, request_id: int, number: int, at: str) -> bool:
    """Record reminder ``number`` (1, 2) of a request; False when it was recorded already."""
    changed = await conn.execute(
        "UPDATE consent_round_requests SET reminders = ?, reminded_at = ? "
        "WHERE id = ? AND reminders = ?",
        (number, at, request_id, number - 1),
    )
    return changed == 1


async def mark_answered(
    conn: Connection, request_ids: Sequence[int], at: str, via: str, *, again: bool = False
) -> None:
    """The guardian answered; ``again`` also records a later answer over an earlier one."""
    condition = "" if again else " AND answered_at IS NULL"
    await conn.executemany(
        "UPDATE consent_round_requests SET answered_at = ?, answered_via = ? "
        f"WHERE id = ?{condition}",
        [(at, via, i) for i in request_ids],
    )


async def open_requests_of_pair(
    conn: Connection, student_id: int, guardian_id: int
) -> list[tuple[RequestRow, RoundRow]]:
    """This guardian's requests about this child in rounds that are open now."""
    columns = ", ".join(f"q.{c.strip()}" for c in _REQUEST_COLUMNS.split(","))
    round_columns = ", ".join(f"r.{c.strip()}" for c in _ROUND_COLUMNS.split(","))
    rows = await fetch_all(
        conn,
        f"SELECT {columns}, {round_columns} FROM consent_round_requests q "
        "JOIN consent_rounds r ON r.id = q.round_id WHERE q.student_id = ? "
        "AND q.guardian_id = ? AND r.status = 'open' ORDER BY q.id",
        (student_id, guardian_id),
    )
    width = len(_REQUEST_COLUMNS.split(","))
    return [(_request(tuple(r)[:width]), _round(tuple(r)[width:])) for r in rows]


async def new_pairs(conn: Connection, round_id: int, school_id: int) -> list[tuple[int, int]]:
    """(student, guardian) pairs of the school's current pupils that the round has no
    request for yet: a pupil or a guardian the roster added since it started."""
    return [
        (int(r[0]), int(r[1]))
        for r in await fetch_all(
            conn,
            "SELECT gs.student_id, gs.guardian_id FROM guardian_students gs "
            "JOIN students s ON s.id = gs.student_id WHERE s.school_id = ? "
            "AND s.left_at IS NULL AND s.removed_at IS NULL AND NOT EXISTS ("
            "SELECT 1 FROM consent_round_requests q WHERE q.round_id = ? "
            "AND q.student_id = gs.student_id AND q.guardian_id = gs.guardian_id) "
            "ORDER BY gs.student_id, gs.guardian_id",
            (school_id, round_id),
        )
    ]


async def off_roster(conn: Connection, round_id: int) -> list[RequestRow]:
    """Requests still asked whose guardian is no longer linked to the pupil on the roster,
    or whose pupil left."""
    return [
        _request(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests q WHERE q.round_id = ? "
            "AND q.stopped_at IS NULL AND (NOT EXISTS (SELECT 1 FROM guardian_students gs "
            "WHERE gs.student_id = q.student_id AND gs.guardian_id = q.guardian_id) "
            "OR EXISTS (SELECT 1 FROM students s WHERE s.id = q.student_id "
            "AND s.left_at IS NOT NULL)) ORDER BY q.id",
            (round_id,),
        )
    ]


async def to_ask(conn: Connection, round_id: int) -> list[RequestRow]:
    """Requests not asked in the bot yet whose guardian now has a linked account (linked
    since the round started, or joined it later), not answered, blocked or stopped."""
    return [
        _request(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests q WHERE q.round_id = ? "
            "AND q.asked_at IS NULL AND q.answered_at IS NULL AND q.blocked_at IS NULL "
            "AND q.stopped_at IS NULL AND EXISTS (SELECT 1 FROM account_links l "
            "WHERE l.guardian_id = q.guardian_id) ORDER BY q.id",
            (round_id,),
        )
    ]


async def to_remind(conn: Connection, round_id: int, before: int) -> list[RequestRow]:
    """Requests asked in the bot, still open and reminded fewer than ``before`` times,
    whose guardian still has a linked account."""
    return [
        _request(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_REQUEST_COLUMNS} FROM consent_round_requests q WHERE q.round_id = ? "
            "AND q.asked_at IS NOT NULL AND q.answered_at IS NULL AND q.blocked_at IS NULL "
            "AND q.stopped_at IS NULL AND q.reminders < ? AND EXISTS (SELECT 1 "
            "FROM account_links l WHERE l.guardian_id = q.guardian_id) ORDER BY q.id",
            (round_id, before),
        )
    ]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One request of a round as its table lists it."""

    student_id: int
    guardian_id: int
    group_name: str | None
    first_name: str
    last_name: str
    guardian_name: str
    asked: bool
    linked: bool
    blocked: bool
    stopped: bool
    answered_at: str | None
    answered_via: str | None


async def export_rows(conn: Connection, round_id: int) -> list[ExportRow]:
    """Every request of the round, by group, child and guardian."""
    rows = await fetch_all(
        conn,
        "SELECT q.student_id, q.guardian_id, g.name, s.first_name, s.last_name, gu.name, "
        "q.asked_at IS NOT NULL, EXISTS (SELECT 1 FROM account_links l "
        "WHERE l.guardian_id = q.guardian_id), q.blocked_at IS NOT NULL, "
        "q.stopped_at IS NOT NULL, q.answered_at, q.answered_via "
        "FROM consent_round_requests q JOIN students s ON s.id = q.student_id "
        "LEFT JOIN school_groups g ON g.id = s.group_id JOIN guardians gu "
        "ON gu.id = q.guardian_id WHERE q.round_id = ?",
        (round_id,),
    )
    rows.sort(key=lambda r: (*_group_order(r[2]), str(r[3]), str(r[4]), int(r[0]), str(r[5])))
    return [
        ExportRow(
            int(r[0]),
            int(r[1]),
            r[2],
            str(r[3]),
            str(r[4]),
            str(r[5]),
            bool(r[6]),
            bool(r[7]),
            bool(r[8]),
            bool(r[9]),
            r[10],
            r[11],
        )
        for r in rows
    ]


async def answered_children(conn: Connection, round_id: int, group_id: int) -> tuple[int, int]:
    """(children of the group in the round, of whom at least one guardian answered)."""
    row = await fetch_one(
        conn,
        "SELECT COUNT(DISTINCT q.student_id), COUNT(DISTINCT CASE WHEN q.answered_at IS NOT "
        "NULL THEN q.student_id END) FROM consent_round_requests q JOIN students s "
        "ON s.id = q.student_id WHERE q.round_id = ? AND s.group_id = ? "
        "AND s.left_at IS NULL AND q.stopped_at IS NULL",
        (round_id, group_id),
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def mark_answered_in_open_rounds(
    conn: Connection,
    student_id: int,
    guardian_id: int,
    purposes: Iterable[str],
    at: str,
    via: str,
) -> list[int]:
    """A guardian answered about a child (in a round, in the menu or on paper): every
    unanswered request of theirs about the child in an open round that asks one of these
    purposes is answered now; the ids of those requests."""
    answered = set(purposes)
    ids = [
        request.id
        for request, found in await open_requests_of_pair(conn, student_id, guardian_id)
        if request.answered_at is None and answered & set(found.purposes)
    ]
    await mark_answered(conn, ids, at, via)
    return ids


@dataclass(frozen=True, slots=True)
class Progress:
    """A round's requests in numbers (those no longer asked apart)."""

    requests: int
    asked: int
    sent: int
    answered: int
    answered_on_paper: int
    blocked: int
    not_linked: int
    """Not blocked, and the guardian has no linked account."""
    paper_open: int
    """Not reachable in the bot (blocked or not linked) and not answered."""
    joined_late: int
    reminders: int
    stopped: int


async def progress(conn: Connection, round_id: int) -> Progress:
    """The round's requests in numbers (for its line in a list of rounds)."""
    row = await fetch_one(
        conn,
        f"SELECT COUNT(*), {_count_if('answered_at IS NOT NULL')} FROM consent_round_requests "
        "WHERE round_id = ? AND stopped_at IS NULL",
        (round_id,),
    )
    assert row is not None
    return Progress(int(row[0]), 0, 0, int(row[1]), 0, 0, 0, 0, 0, 0, 0)


async def _stopped_and_sent(conn: Connection, round_id: int, asked: int) -> tuple[int, int]:
    stopped = await fetch_one(
        conn,
        "SELECT COUNT(*) FROM consent_round_requests WHERE round_id = ? "
        "AND stopped_at IS NOT NULL",
        (round_id,),
    )
    # The questions by their outbox keys (first parts): sent, or still there at all. One
    # that is gone was delivered and later forgotten (delivered messages are kept 30 days
    # by default, undeliverable ones 90: longer than a round).
    prefix = f"round:{round_id}:q:"
    found = {
        str(r[0]): int(r[1])
        for r in await fetch_all(
            conn,
            "SELECT status, COUNT(*) FROM outbox WHERE key >= ? AND key < ? "
            "AND key NOT LIKE '%#%' GROUP BY status",
            (prefix, prefix[:-1] + ";"),
        )
    }
    sent = found.get("sent", 0) + max(0, asked - sum(found.values()))
    return (int(stopped[0]) if stopped else 0), sent


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Per group: its children in the round, how many answered, and per purpose (in the
    round's order) the children with yes, no, not answered, and on paper."""

    group_id: int | None
    group_name: str | None
    children: int
    answered: int
    purposes: tuple[tuple[int, int, int, int], ...]


_LINKED = "(SELECT guardian_id FROM account_links WHERE guardian_id IS NOT NULL)"


_ON_PAPER = "answered_via = 'paper'"


def _group_order(name: str | None) -> tuple[int, int, str]:
    """Groups as a school lists them: 1, 2, ..., 10, then names without a number, then none
    (sorted here: the engines cast a name like "5b" differently)."""
    if name is None:
        return (2, 0, "")
    digits = "".join(c for c in name[: len(name) - len(name.lstrip("0123456789"))])
    return (0, int(digits), name) if digits else (1, 0, name)


def _count_if(condition: str) -> str:
    """How many rows meet ``condition``, in the SQL both engines speak (0 for no rows)."""
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


async def counts(
    conn: Connection, round_id: int, school_id: int, purposes: Sequence[str]
) -> tuple[Progress, list[GroupCounts]]:
    """The round in numbers: its requests, and per group its children and what holds for
    them per purpose.

    Per child: yes when every current guardian's newest answer is yes, no when one is no,
    else not answered, or on paper when none of its guardians is reachable in the bot (not
    linked, or blocked)."""
    row = await fetch_one(
        conn,
        f"SELECT COUNT(*), {_count_if('asked_at IS NOT NULL')}, "
        f"{_count_if('answered_at IS NOT NULL')}, {_count_if(_ON_PAPER)}, "
        f"{_count_if('blocked_at IS NOT NULL')}, {_count_if('unlinked = 1')}, "
        f"{_count_if('(blocked_at IS NOT NULL OR unlinked = 1) AND answered_at IS NULL')}, "
        "COALESCE(SUM(joined_late), 0), COALESCE(SUM(reminders), 0) FROM (SELECT q.asked_at, "
        "q.answered_at, q.answered_via, q.blocked_at, q.joined_late, q.reminders, CASE WHEN "
        f"q.blocked_at IS NULL AND q.guardian_id NOT IN {_LINKED} THEN 1 ELSE 0 END AS unlinked "
        "FROM consent_round_requests q WHERE q.round_id = ? AND q.stopped_at IS NULL) asked",
        (round_id,),
    )
    assert row is not None
    asked = int(row[1])
    stopped, sent = await _stopped_and_sent(conn, round_id, asked)
    progress = Progress(
        requests=int(row[0]),
        asked=asked,
        sent=sent,
        answered=int(row[2]),
        answered_on_paper=int(row[3]),
        blocked=int(row[4]),
        not_linked=int(row[5]),
        paper_open=int(row[6]),
        joined_late=int(row[7]),
        reminders=int(row[8]),
        stopped=stopped,
    )
    marks = ",".join("?" * len(purposes))
    states = ", ".join(
        f"MIN(CASE WHEN purpose = ? THEN granted END) AS p{n}" for n in range(len(purposes))
    )
    sums = "".join(
        f", {_count_if(f'st.p{n} = 1')}, {_count_if(f'st.p{n} = 0')}, "
        f"{_count_if(f'st.p{n} IS NULL AND req.paper = 0')}, "
        f"{_count_if(f'st.p{n} IS NULL AND req.paper = 1')}"
        for n in range(len(purposes))
    )
    rows = await fetch_all(
        conn,
        "WITH newest AS (SELECT MAX(l.id) AS id "
        "FROM consent_ledger l JOIN guardian_students gs ON gs.student_id = l.student_id "
        f"AND gs.guardian_id = l.guardian_id WHERE l.school_id = ? AND l.purpose IN ({marks}) "
        "GROUP BY l.student_id, l.guardian_id, l.purpose), "
        "latest AS (SELECT l.student_id, l.purpose, l.granted FROM consent_ledger l "
        "JOIN newest ON newest.id = l.id), "
        f"st AS (SELECT student_id, {states} FROM latest GROUP BY student_id), "
        "req AS (SELECT q.student_id, "
        "MAX(CASE WHEN q.answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered, "
        "MIN(CASE WHEN q.blocked_at IS NOT NULL OR q.guardian_id NOT IN "
        f"{_LINKED} THEN 1 ELSE 0 END) AS paper "
        "FROM consent_round_requests q WHERE q.round_id = ? AND q.stopped_at IS NULL "
        "GROUP BY q.student_id) "
        f"SELECT s.group_id, g.name, COUNT(*), COALESCE(SUM(req.answered), 0){sums} "
        "FROM req JOIN students s ON s.id = req.student_id "
        "LEFT JOIN school_groups g ON g.id = s.group_id "
        "LEFT JOIN st ON st.student_id = req.student_id GROUP BY s.group_id, g.name",
        (school_id, *purposes, *purposes, round_id),
    )
    groups = [
        GroupCounts(
            r[0],
            r[1],
            int(r[2]),
            int(r[3]),
            tuple(
                (int(r[4 + 4 * n]), int(r[5 + 4 * n]), int(r[6 + 4 * n]), int(r[7 + 4 * n]))
                for n in range(len(purposes))
            ),
        )
        for r in rows
    ]
    return progress, groups


@dataclass(frozen=True, slots=True)
class PaperRow:
    student_id: int
    first_name: str
    last_name: str
    group_name: str | None
    guardian_id: int
    guardian_name: str
    blocked: bool
    answered: bool


async def paper(conn: Connection, round_id: int, limit: int | None = None) -> list[PaperRow]:
    """The requests the bot cannot reach (not linked, or blocked), by group and name."""
    rows = await fetch_all(
        conn,
        "SELECT s.id, s.first_name, s.last_name, g.name, q.guardian_id, gu.name, "
        "q.blocked_at IS NOT NULL, q.answered_at IS NOT NULL FROM consent_round_requests q "
        "JOIN students s ON s.id = q.student_id LEFT JOIN school_groups g ON g.id = s.group_id "
        "JOIN guardians gu ON gu.id = q.guardian_id WHERE q.round_id = ? "
        "AND q.stopped_at IS NULL AND (q.blocked_at IS NOT NULL "
        f"OR q.guardian_id NOT IN {_LINKED})",
        (round_id,),
    )
    rows.sort(key=lambda r: (*_group_order(r[3]), str(r[1]), str(r[2]), int(r[0]), str(r[5])))
    return [
        PaperRow(
            int(r[0]), str(r[1]), str(r[2]), r[3], int(r[4]), str(r[5]), bool(r[6]), bool(r[7])
        )
        for r in (rows if limit is None else rows[:limit])
    ]


async def answered_students(conn: Connection, round_id: int, group_id: int) -> dict[int, bool]:
    """Per child of the group the round asks: whether at least one guardian answered."""
    rows = await fetch_all(
        conn,
        "SELECT q.student_id, MAX(CASE WHEN q.answered_at IS NOT NULL THEN 1 ELSE 0 END) "
        "FROM consent_round_requests q JOIN students s ON s.id = q.student_id "
        "WHERE q.round_id = ? AND s.group_id = ? AND q.stopped_at IS NULL GROUP BY q.student_id",
        (round_id, group_id),
    )
    return {int(r[0]): bool(r[1]) for r in rows}
