"""A parent asks for the delivered documents of a request once more.

The documents are queued through the outbox, which paces them for the parent's chat. One
resend of a request is under way at a time (nor while its first delivery is still going
out), and the next may follow a minute after the last was asked for: five quick taps send
the documents once, not five times. The check and the
queueing are one unit of work, so two taps (or two of the parent's devices) cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import outbox
from bot.clock import Clock
from bot.domain.cases import Cases
from bot.domain.model import Actor, RefusalReason, Refused
from bot.domain.texts.for_parents import document_caption
from bot.outbox import Attachment
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import case_work, cases
from storage import outbox as outbox_rows
from storage.db import Database, from_db, to_db

INTERVAL = timedelta(minutes=1)
"""At most one resend of a request in this time."""
KEY_PREFIX = "documents-again:"


@dataclass(frozen=True, slots=True)
class Queued:
    documents: int


@dataclass(frozen=True, slots=True)
class StillSending:
    """Documents of the request are still going out (its delivery, or an earlier resend)."""


@dataclass(frozen=True, slots=True)
class TooSoon:
    until: datetime


Resend = Queued | StillSending | TooSoon


class DocumentResends:
    def __init__(self, db: Database, keys: Keys, cipher: Cipher, clock: Clock, cases: Cases):
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._cases = cases

    async def request(self, actor: Actor, case_id: int) -> Resend:
        """Queue the delivered documents for the asking account's chat, in the current
        language; Refused for a request that is not this parent's."""
        case = await self._cases.get(actor, case_id)
        now = self._clock.now()
        prefix = f"{KEY_PREFIX}{case_id}:"
        async with self._db.transaction() as conn:
            row = await cases.get(conn, case_id)
            if row is None or row.guardian_id not in actor.guardian_ids:
                raise Refused(RefusalReason.NOT_ALLOWED)
            if await outbox_rows.pending_attachments(conn, case_id):
                return StillSending()  # the first delivery, or the last resend
            last = await outbox_rows.last_keyed(conn, prefix)
            if last is not None and now < from_db(last) + INTERVAL:
                return TooSoon(from_db(last) + INTERVAL)
            documents = [a for a in await case_work.attachments(conn, case_id) if a.delivered_at]
            for index, document in enumerate(documents, start=1):
                context = f"case:{case_id}:file:{document.id}"
                name = (
                    self._cipher.decrypt_text(document.file_name, context)
                    if document.file_name
                    else None
                )
                await outbox.enqueue(
                    conn,
                    self._cipher,
                    now,
                    chat_id=actor.telegram_user_id,  # a private chat's id is the user's id
                    text=document_caption(case, index, len(documents)),
                    school_id=case.school_id,
                    case_id=case_id,
                    key=f"{prefix}{to_db(now)}:{index}",
                    attachment=Attachment(document.kind, document.file_id, name),
                )
            await audit.record(
                conn,
                self._keys.audit,
                now,
                actor=self._keys.pseudonym("tg", actor.telegram_user_id),
                action=AuditAction.CASE_DOCUMENTS_RESENT,
                school_id=case.school_id,
                subject=f"case:{case_id}",
                details={"number": case.number, "documents": len(documents)},
            )
        self._cases.bell.ring()
        return Queued(len(documents))
