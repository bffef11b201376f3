"""When a message cannot be delivered, a person is told: never only a log line.

The case's assignee hears that a message to the parent (or to a colleague) did not arrive;
the director hears it when the assignee is the one who cannot be reached, or when the
message belonged to no case. An open case whose assignee cannot be reached goes to the
director. A notice that itself cannot be delivered is not reported again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot import outbox
from bot.domain.model import OPEN, CaseEvent, Role, case_number
from bot.domain.rounds.questions import request_of_key
from bot.domain.routing import director_for
from bot.domain.texts.for_staff import undeliverable_notice
from bot.i18n import language_or_default, use_language
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import accounts, cases, chat_links, people, rounds, staff
from storage.accounts import Recipient
from storage.chat_links import ChatOwner
from storage.db import Connection, to_db
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

KEY_PREFIX = "undeliverable:"


class UndeliverableNotices:
    """The dispatcher's ``on_undeliverable`` hook."""

    def __init__(self, cipher: Cipher, keys: Keys | None = None) -> None:
        self._cipher = cipher
        self._keys = keys

    async def _hand_over(
        self, conn: Connection, owner: ChatOwner, case: cases.CaseRow, now: datetime
    ) -> bool:
        """An open case whose assignee cannot be reached goes to a director who can be."""
        if case.status not in OPEN:
            return False
        if case.assignee_staff_id is None or case.assignee_staff_id not in owner.staff_ids:
            return False
        director = await director_for(
            conn, case.school_id, excluding=owner.staff_ids, reachable_only=True
        )
        if director is None:
            return False
        await cases.assign(conn, case.id, Role.DIRECTOR, director)
        await cases.add_event(conn, case.id, to_db(now), Role.SYSTEM, CaseEvent.ASSIGNED, None)
        if self._keys is not None:
            await audit.record(
                conn,
                self._keys.audit,
                now,
                actor="system:outbox",
                action=AuditAction.CASE_ASSIGNED,
                school_id=case.school_id,
                subject=f"case:{case.id}",
                details={"to": director, "reason": "assignee unreachable"},
            )
        return True

    async def _recipients(
        self, conn: Connection, row: OutboxRow, owner: ChatOwner, case: cases.CaseRow | None
    ) -> list[Recipient]:
        school_id = case.school_id if case else row.school_id
        assignee = case.assignee_staff_id if case else None
        found: list[Recipient] = []
        if assignee is not None and assignee not in owner.staff_ids:
            found = await accounts.recipients(conn, staff_ids=[assignee])
        if not found and school_id is not None:
            directors = [
                d for d in await staff.directors(conn, school_id) if d not in owner.staff_ids
            ]
            found = await accounts.recipients(conn, staff_ids=directors)
        return [r for r in found if r.chat_id != row.chat_id]

    async def _names(self, conn: Connection, owner: ChatOwner) -> list[str]:
        """Who the chat belongs to, by name: the parent, else the staff member."""
        if owner.guardian_ids:
            found = [await people.guardian(conn, g) for g in sorted(owner.guardian_ids)]
            return sorted({g.name for g in found if g is not None})
        members = [await staff.get(conn, s) for s in sorted(owner.staff_ids)]
        return sorted({m.name for m in members if m is not None})

    async def __call__(self, conn: Connection, row: OutboxRow, now: datetime) -> None:
        request_id = request_of_key(row.key)
        if request_id is not None:
            # A consent round's question: the guardian is counted under paper on the
            # round's screen, not reported one message at a time.
            await rounds.mark_blocked(conn, [request_id], to_db(now))
            return
        if row.key is not None and row.key.startswith(KEY_PREFIX):
            log.warning("undeliverable notice %s not reported again", row.id)
            return
        owner = await chat_links.owner_of_chat(conn, row.chat_id)
        case = await cases.get(conn, row.case_id) if row.case_id is not None else None
        number = case_number(case.year, case.seq) if case else None
        handed_over = case is not None and await self._hand_over(conn, owner, case, now)
        if handed_over:
            case = await cases.get(conn, case.id) if case else None
        names = await self._names(conn, owner)
        recipients = await self._recipients(conn, row, owner, case)
        if not recipients:
            log.warning("nobody to tell that outbox message %s was undeliverable", row.id)
        for recipient in recipients:
            with use_language(language_or_default(recipient.language)):
                text = undeliverable_notice(number, owner, handed_over, names)
            await outbox.enqueue(
                conn,
                self._cipher,
                now,
                chat_id=recipient.chat_id,
                text=text,
                school_id=case.school_id if case else row.school_id,
                case_id=row.case_id,
                key=f"{KEY_PREFIX}{row.ref}:{recipient.chat_id}",
                staff_id=recipient.staff_id,
            )
