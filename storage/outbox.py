"""Queued messages and their delivery state.

A dispatcher claims due rows with a lease (``claimed_by``, ``lease_until``) in one statement,
so two dispatchers never hold the same row; every outcome releases the lease.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, Row, fetch_all

_COLUMNS = (
    "id, ref, chat_id, case_id, body, attempts, school_id, key, uncertain_since, attachment, "
    "button"
)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    ref: str
    chat_id: int
    case_id: int | None
    body: bytes
    attempts: int
    school_id: int | None = None
    key: str | None = None
    uncertain_since: str | None = None
    attachment: bytes | None = None
    """A document or photo to send by its file id (encrypted JSON), with the body as caption."""
    button: str | None = None
    """JSON: the label, action and arguments of one button under the message."""


def _row(r: Row) -> OutboxRow:
    return OutboxRow(
        int(r[0]),
        str(r[1]),
        int(r[2]),
        r[3],
        bytes(r[4]),
        int(r[5]),
        r[6],
        r[7],
        r[8],
        bytes(r[9]) if r[9] is not None else None,
        r[10],
    )


async def add(
    conn: Connection,
    *,
    ref: str,
    school_id: int | None,
    chat_id: int,
    case_id: int | None,
    body: bytes,
    at: str,
    key: str | None = None,
    staff_id: int | None = None,
) -> bool:
    """Queue a row; False (and nothing queued) when a row with this ``key`` exists already.

    ``staff_id`` names the staff member a notice is for, so that it is withdrawn when they
    leave before it went out."""
    values = (ref, school_id, chat_id, case_id, body, at, at, staff_id)
    if key is None:
        await conn.execute(
            "INSERT INTO outbox (ref, school_id, chat_id, case_id, body, created_at, "
            "next_attempt_at, staff_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        return True
    added = await conn.execute(
        "INSERT INTO outbox (ref, school_id, chat_id, case_id, body, created_at, "
        "next_attempt_at, staff_id, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (key) WHERE key IS NOT NULL DO NOTHING",
        (*values, key),
    )
    return added == 1


async def readdress_pending_for_staff(conn: Connection, staff_id: int, chat_id: int) -> int:
    """Send what still waits for a staff member to the chat they now use."""
    return await conn.execute(
        "UPDATE outbox SET chat_id = ? WHERE staff_id = ? AND status = 'pending'",
        (chat_id, staff_id),
    )


async def drop_pending_for_staff(conn: Connection, staff_id: int) -> int:
    """Withdraw the notices still waiting for a staff member who left; how many."""
    return await conn.execute(
        "DELETE FROM outbox WHERE staff_id = ? AND status = 'pending'", (staff_id,)
    )


async def drop_pending_keyed(conn: Connection, keys: Sequence[str]) -> int:
    """Withdraw the messages with these keys (and their further parts) that have not gone
    out yet; how many."""
    dropped = 0
    for key in keys:
        changed = await conn.execute(
            "DELETE FROM outbox WHERE status = 'pending' AND claimed_by IS NULL "
            "AND (key = ? OR substr(key, 1, ?) = ?)",
            (key, len(key) + 1, f"{key}#"),
        )
        dropped += changed
    return dropped


async def drop_pending_with_prefix(conn: Connection, prefix: str) -> list[str]:
    """Withdraw every message not gone out yet whose key starts with ``prefix``; the keys
    of the messages withdrawn."""
    rows = await fetch_all(
        conn,
        "DELETE FROM outbox WHERE status = 'pending' AND claimed_by IS NULL "
        "AND key >= ? AND key < ? RETURNING key",
        (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)),
    )
    return [str(r[0]) for r in rows]


async def set_attachment(conn: Connection, ref: str, blob: bytes) -> None:
    await conn.execute("UPDATE outbox SET attachment = ? WHERE ref = ?", (blob, ref))


async def set_button(conn: Connection, ref: str, button: str) -> None:
    await conn.execute("UPDATE outbox SET button = ? WHERE ref = ?", (button, ref))


async def due(conn: Connection, now: str, limit: int) -> list[OutboxRow]:
    """Pending rows whose time has come, oldest first (a read: nothing is claimed)."""
    return [
        _row(r)
        for r in await fetch_all(
            conn,
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? "
            "ORDER BY id LIMIT ?",
            (now, limit),
        )
    ]


async def claim(
    conn: Connection, owner: str, now: str, lease_until: str, limit: int
) -> list[OutboxRow]:
    """Lease up to ``limit`` due rows to ``owner``, oldest first (call inside BEGIN IMMEDIATE).

    A row is due when its time has come and nobody holds a live lease on it; it is held back
    while an earlier pending row of the same chat is waiting or leased, so each chat gets its
    messages in order.
    """
    rows = await fetch_all(
        conn,
        "UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id IN ("
        "SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ? "
        "AND (o.lease_until IS NULL OR o.lease_until <= ?) "
        "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = o.chat_id "
        "AND p.status = 'pending' AND p.id < o.id "
        "AND (p.next_attempt_at > ? OR p.lease_until > ?)) "
        f"ORDER BY o.id LIMIT ?) RETURNING {_COLUMNS}",
        (owner, lease_until, now, now, now, now, limit),
    )
    return sorted((_row(r) for r in rows), key=lambda row: row.id)


async def release(conn: Connection, owner: str, ids: list[int]) -> None:
    """Give back claimed rows that were not tried (they are due again at once)."""
    await conn.executemany(
        "UPDATE outbox SET claimed_by = NULL, lease_until = NULL "
        "WHERE id = ? AND claimed_by = ? AND status = 'pending'",
        [(i, owner) for i in ids],
    )


async def release_abandoned(conn: Connection, owner: str) -> int:
    """Give back every claim not held by ``owner``: called by the one running process at
    start, when every other claim belongs to a process that died."""
    return await conn.execute(
        "UPDATE outbox SET claimed_by = NULL, lease_until = NULL "
        "WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by != ?",
        (owner,),
    )


async def mark_sent(conn: Connection, outbox_id: int, at: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
        "last_error = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?",
        (at, outbox_id),
    )


async def retry_later(conn: Connection, outbox_id: int, next_attempt_at: str, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
        "claimed_by = NULL, lease_until = NULL WHERE id = ?",
        (next_attempt_at, error, outbox_id),
    )


async def mark_uncertain(
    conn: Connection, outbox_id: int, at: str, next_attempt_at: str, error: str
) -> None:
    """The send timed out: Telegram may have it. Try again only at ``next_attempt_at``."""
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
        "uncertain_since = COALESCE(uncertain_since, ?), claimed_by = NULL, "
        "lease_until = NULL WHERE id = ?",
        (next_attempt_at, error, at, outbox_id),
    )


async def mark_undeliverable(conn: Connection, outbox_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'undeliverable', attempts = attempts + 1, last_error = ?, "
        "claimed_by = NULL, lease_until = NULL WHERE id = ?",
        (error, outbox_id),
    )


async def pending_count(conn: Connection) -> int:
    rows = await fetch_all(conn, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
    return int(rows[0][0])


async def counts(conn: Connection) -> dict[str, int]:
    return {
        str(r[0]): int(r[1])
        for r in await fetch_all(conn, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
    }


async def undeliverable_for_case(conn: Connection, case_id: int) -> int:
    """How many messages about a case could not be delivered (blocked, chat gone)."""
    rows = await fetch_all(
        conn,
        "SELECT COUNT(*) FROM outbox WHERE case_id = ? AND status = 'undeliverable'",
        (case_id,),
    )
    return int(rows[0][0])


async def last_keyed(conn: Connection, prefix: str) -> str | None:
    """When the newest row whose key starts with ``prefix`` was queued."""
    rows = await fetch_all(
        conn,
        "SELECT MAX(created_at) FROM outbox WHERE key IS NOT NULL AND substr(key, 1, ?) = ?",
        (len(prefix), prefix),
    )
    return str(rows[0][0]) if rows[0][0] is not None else None


async def pending_attachments(conn: Connection, case_id: int) -> int:
    """Documents and photos of a case still waiting to go out."""
    rows = await fetch_all(
        conn,
        "SELECT COUNT(*) FROM outbox WHERE case_id = ? AND status = 'pending' "
        "AND attachment IS NOT NULL",
        (case_id,),
    )
    return int(rows[0][0])
