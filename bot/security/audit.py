"""The audit trail: append-only events, each MAC'd over its content and its predecessor.

Editing, inserting or deleting a row breaks the chain, which ``verify`` reports. Cutting off
the newest events (and lowering the highest id issued) leaves a shorter chain that is intact in
itself: that is caught by comparing with the head anchored outside the database
(bot.security.anchor).
Actors and subjects are pseudonymous ids, never names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.security.anchor import Anchor
from bot.security.keys import mac_hex
from storage import audit_events
from storage.audit_events import GENESIS, AuditRow
from storage.db import Connection, to_db


class AuditAction(StrEnum):
    """What an audit event records (the stored value is the enum's value)."""

    ACCOUNT_LINKED = "account.linked"
    ACCOUNT_FORGOTTEN = "account.forgotten"
    BUTTON_REFUSED = "button.refused"
    LOGIN_CODE_REJECTED = "login.code_rejected"
    LOGIN_BIRTH_DATE_REJECTED = "login.birth_date_rejected"
    INVITATION_ISSUED = "invitation.issued"
    INVITATION_REVOKED = "invitation.revoked"
    ROSTER_IMPORTED = "roster.imported"
    RETENTION_RUN = "retention.run"
    CONSENT_CHANGED = "consent.changed"
    CONSENTS_REFUSED = "consents.refused"
    CONSENTS_EXPORTED = "consents.exported"
    STAFF_REFUSED = "staff.refused"
    STAFF_REMOVED = "staff.removed"
    STAFF_GROUPS_CHANGED = "staff.groups_changed"
    ROUND_STARTED = "round.started"
    ROUND_CLOSED = "round.closed"
    ROUND_CANCELLED = "round.cancelled"
    ROUND_REFUSED = "round.refused"
    """A button or action of a consent round that was refused (nothing changed)."""
    ROUND_ANSWERED = "round.answered"
    ROUND_EXPORTED = "round.exported"
    CONSENT_PAPER_RECORDED = "consent.paper_recorded"
    PHOTO_CHECKED = "photo.checked"
    CASE_SUBMITTED = "case.submitted"
    CASE_OPENED = "case.opened"
    """A case the school opened itself (a pupil who left: photos to take down)."""
    CASE_WITHDRAWN = "case.withdrawn"
    CASE_TAKEN = "case.taken"
    CASE_NOTE_ADDED = "case.note_added"
    CASE_EXTENDED = "case.extended"
    CASE_ESCALATED = "case.escalated"
    CASE_ASSIGNED = "case.assigned"
    CASE_DOCUMENT_ADDED = "case.document_added"
    CASE_RESOLVED = "case.resolved"
    CASE_REJECTED = "case.rejected"
    CASE_RECIPIENT_INFORMED = "case.recipient_informed"
    CASE_RECIPIENT_NOT_APPLICABLE = "case.recipient_not_applicable"
    CASE_RESTRICTION_LIFTED = "case.restriction_lifted"
    CASE_DOCUMENTS_RECEIVED = "case.documents_received"
    CASE_DOCUMENTS_RESENT = "case.documents_resent"

    @classmethod
    def of_case_event(cls, event: str) -> AuditAction:
        """The audit action that records a case's timeline event."""
        return cls(f"case.{event}")


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
    action: AuditAction,
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
    anchored: int = 0
    """The newest event id the anchor file vouches for (0: no anchor)."""

    @property
    def ok(self) -> bool:
        return self.first_bad is None


async def verify(conn: Connection, key: bytes, anchors: Sequence[Anchor] = ()) -> VerifyResult:
    """Check the whole chain, and every anchor against it, in one read snapshot.

    ``conn`` should be a connection of the caller's own (see audit_events.read_snapshot).
    """
    async with audit_events.read_snapshot(conn) as snapshot:
        return await _verify(snapshot, key, anchors)


async def _verify(conn: Connection, key: bytes, anchors: Sequence[Anchor]) -> VerifyResult:
    anchored = {a.id: a.mac for a in anchors}
    newest = max(anchored, default=0)
    expected_id, expected_prev, checked = 1, GENESIS, 0
    async for row in audit_events.iterate(conn):
        if row.id != expected_id:
            return VerifyResult(checked, expected_id, "event is missing (deleted)", newest)
        if row.prev_mac != expected_prev:
            return VerifyResult(checked, row.id, "does not follow the previous event", newest)
        if row.mac != _mac(key, row):
            return VerifyResult(checked, row.id, "content was changed", newest)
        if anchored.get(row.id, row.mac) != row.mac:
            return VerifyResult(checked, row.id, "differs from the anchored event", newest)
        expected_id, expected_prev, checked = row.id + 1, row.mac, checked + 1
    if await audit_events.highest_issued_id(conn) >= expected_id:
        return VerifyResult(checked, expected_id, "event is missing (deleted)", newest)
    if newest >= expected_id:
        return VerifyResult(
            checked,
            expected_id,
            f"event is missing (deleted): the anchor file vouches for events up to {newest}",
            newest,
        )
    return VerifyResult(checked, anchored=newest)
