"""Closing a round (at its closing date, or Close now) and cancelling one.

Either ends the round at once: no more questions or reminders go out (those still waiting
in the outbox are withdrawn), and its buttons say so. At closing, the school's directors
(and the privacy officer who started it) get the summary per group and purpose: yes, no,
not answered, on paper. A cancelled round gets no summary. Answers already given stay.
"""

from __future__ import annotations

from datetime import datetime

from bot import outbox
from bot.clock import Clock
from bot.domain.model import Role
from bot.domain.rounds import questions
from bot.domain.rounds.access import members_of, record_refusal, round_schools
from bot.domain.rounds.model import Refusal, Round, RoundRefused, RoundStatus
from bot.domain.rounds.views import view_in
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_staff_rounds import round_summary
from bot.i18n import language_or_default, use_language
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import accounts, staff
from storage import outbox as outbox_rows
from storage import rounds as rows
from storage.db import Connection, Database, to_db


async def end_in(
    conn: Connection,
    keys: Keys,
    cipher: Cipher,
    now: datetime,
    school: SchoolConfig,
    round: Round,
    status: RoundStatus,
    *,
    actor: str,
    by: int | None,
) -> Round:
    """Close or cancel an open round inside the caller's unit of work; RoundRefused
    (NOT_OPEN) when it was closed or cancelled already."""
    if not await rows.end(conn, round.id, status.value, to_db(now), by):
        raise RoundRefused(Refusal.NOT_OPEN, round=round)
    dropped = await outbox_rows.drop_pending_with_prefix(conn, f"round:{round.id}:")
    not_asked = {
        request
        for key in dropped
        if key.split(":")[2:3] == ["q"] and (request := questions.request_of_key(key)) is not None
    }
    await rows.mark_not_asked(conn, sorted(not_asked))
    await rows.unmark_reminded(
        conn,
        [
            request
            for key in dropped
            if key.split(":")[2:3] in (["r1"], ["r2"]) and "#" not in key
            if (request := questions.request_of_key(key)) is not None
        ],
    )
    withdrawn = len({key.split("#", 1)[0] for key in dropped})
    await audit.record(
        conn,
        keys.audit,
        now,
        actor=actor,
        action=AuditAction.ROUND_CLOSED
        if status == RoundStatus.CLOSED
        else AuditAction.ROUND_CANCELLED,
        school_id=round.school_id,
        subject=f"round:{round.id}",
        details={"number": round.number, "withdrawn": withdrawn},
    )
    ended = Round(
        id=round.id,
        school_id=round.school_id,
        number=round.number,
        purposes=round.purposes,
        audience=round.audience,
        started_by=round.started_by,
        started_at=round.started_at,
        closes_on=round.closes_on,
        closes_at=round.closes_at,
        status=status,
        ended_at=now,
        message=round.message,
    )
    if status == RoundStatus.CLOSED:
        await _send_summary(conn, cipher, now, school, ended)
    return ended


async def _send_summary(
    conn: Connection, cipher: Cipher, now: datetime, school: SchoolConfig, round: Round
) -> int:
    view = await view_in(conn, cipher, school, round.id, names=False)
    staff_ids = list(await staff.directors(conn, round.school_id))
    starter = await staff.get(conn, round.started_by)
    if starter is not None and starter.active and starter.role == Role.PRIVACY_OFFICER:
        staff_ids.append(starter.id)
    recipients = await accounts.recipients(conn, staff_ids=staff_ids)
    for recipient in recipients:
        with use_language(language_or_default(recipient.language)):
            text = round_summary(view)
        await outbox.enqueue(
            conn,
            cipher,
            now,
            chat_id=recipient.chat_id,
            text=text,
            school_id=round.school_id,
            key=f"round:{round.id}:summary:{recipient.chat_id}",
            staff_id=recipient.staff_id,
        )
    return len(recipients)


class RoundClosing:
    """Close now and Cancel (the director or the privacy officer), and closing at the
    closing date (``bot.jobs.rounds``)."""

    def __init__(
        self,
        db: Database,
        keys: Keys,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
        bell: Bell,
    ) -> None:
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._schools = schools
        self._bell = bell

    async def close_now(self, who: StaffActor, round_id: int) -> Round:
        """Close an open round at once, with its summary."""
        return await self._end(who, round_id, RoundStatus.CLOSED)

    async def cancel(self, who: StaffActor, round_id: int) -> Round:
        """Stop an open round without a summary; the answers given stay."""
        return await self._end(who, round_id, RoundStatus.CANCELLED)

    async def _end(self, who: StaffActor, round_id: int, status: RoundStatus) -> Round:
        actor = self._keys.pseudonym("tg", who.telegram_user_id)
        now = self._clock.now()
        try:
            async with self._db.transaction() as conn:
                members = await members_of(conn, who.telegram_user_id)
                allowed = round_schools(members, self._schools)
                found = await rows.get(conn, round_id)
                if found is None or found.school_id not in allowed:
                    raise RoundRefused(Refusal.NOT_YOURS)
                round = questions.round_of(found, self._cipher)
                ended = await end_in(
                    conn,
                    self._keys,
                    self._cipher,
                    now,
                    self._schools[round.school_id],
                    round,
                    status,
                    actor=actor,
                    by=allowed[round.school_id].id,
                )
        except RoundRefused as refused:
            await record_refusal(
                self._db,
                self._keys,
                self._clock,
                actor=actor,
                school_id=refused.round.school_id if refused.round is not None else None,
                subject=f"round:{round_id}",
                details={"action": status.value, "reason": refused.reason.value},
            )
            raise
        self._bell.ring()
        return ended

    async def close_due(self) -> int:
        """Close every open round whose closing date has passed; how many."""
        now = self._clock.now()
        closed = 0
        for found in await rows.open_rounds(self._db.reader):
            round = questions.round_of(found, self._cipher)
            if now < round.closes_at:
                continue
            async with self._db.transaction() as conn:
                try:
                    await end_in(
                        conn,
                        self._keys,
                        self._cipher,
                        now,
                        self._schools[round.school_id],
                        round,
                        RoundStatus.CLOSED,
                        actor="system:rounds",
                        by=None,
                    )
                except RoundRefused:  # closed meanwhile (Close now)
                    continue
            closed += 1
        if closed:
            self._bell.ring()
        return closed
