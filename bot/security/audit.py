"""The audit trail: append-only events, each MAC'd over its content and its predecessor.

Editing, inserting or deleting a row breaks the chain, which ``verify`` reports.
Actors and subjects are pseudonymous ids, never names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.security.keys import mac_hex
from storage import audit_events
from storage.audit_events import GENESIS, AuditRow
from storage.db import Connection, to_db


def _mac(key: bytes, row: AuditRow) -> str:
    body = json.dumps(
        [
            row.id,
            row.school_id,
            row.at,
            row.actor,
            row.action,
            row.subject,
            row.details,
            row.prev_mac,
        ],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return mac_hex(key, body)


async def record(
    conn: Connection,
    key: bytes,
    at: datetime,
    *,
    actor: str,
    action: str,
    school_id: int | None = None,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one event inside the caller's unit of work; returns its id."""
    last_id, last_mac = await audit_events.last(conn)
    row = AuditRow(
        id=last_id + 1,
        school_id=school_id,
        at=to_db(at),
        actor=actor,
        action=action,
        subject=subject,
        details=json.dumps(details or {}, sort_keys=True, separators=(",", ":")),
        prev_mac=last_mac,
        mac="",
    )
    row = replace(row, mac=_mac(key, row))
    await audit_events.insert(conn, row)
    return row.id


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    first_bad: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad is None


async def verify(conn: Connection, key: bytes) -> VerifyResult:
    expected_id, expected_prev, checked = 1, GENESIS, 0
    async for row in audit_events.iterate(conn):
        if row.id != expected_id:
            return VerifyResult(checked, expected_id, "event is missing (deleted)")
        if row.prev_mac != expected_prev:
            return VerifyResult(checked, row.id, "does not follow the previous event")
        if row.mac != _mac(key, row):
            return VerifyResult(checked, row.id, "content was changed")
        expected_id, expected_prev, checked = row.id + 1, row.mac, checked + 1
    if await audit_events.highest_issued_id(conn) >= expected_id:
        return VerifyResult(checked, expected_id, "event is missing (deleted)")
    return VerifyResult(checked)
