"""A guardian answers a round's question through its buttons.

The answer goes through the consent domain like any other (the same ledger, audit, the
two-guardian rule, the other guardian told, a task for the teacher when something
changed), marked as the round's. A question is answered once through the round: the
same Send again (a double tap, a replay after a crash) is refused and changes nothing;
later changes go through the consent screen. Every refusal is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.domain.consent import Consents, PurposeState, Source
from bot.domain.model import Actor
from bot.domain.rounds import questions
from bot.domain.rounds.access import record_refusal
from bot.domain.rounds.model import Question, Refusal, RoundRefused, RoundStatus
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import consents, outbox, people
from storage import rounds as rows
from storage.db import Connection, Database, from_db, to_db
from storage.rounds import RequestRow


@dataclass(frozen=True, slots=True)
class RoundAnswer:
    question: Question
    """The question as it stood when it was answered."""
    answers: dict[str, bool]
    """What the guardian answered now (the purposes they left open are not in it)."""
    states: list[PurposeState]
    """What applies now, for every consent purpose."""
    case_number: str | None
    """The teacher's task, when an answer changed something."""


def answer_key(request_id: int) -> str:
    return f"round:{request_id}"


class RoundAnswers:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
        consents_service: Consents,
        bell: Bell,
    ) -> None:
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._schools = schools
        self._consents = consents_service
        self._bell = bell

    async def _load(
        self, conn: Connection, actor: Actor, request_id: int, *, answering: bool
    ) -> tuple[Question, RequestRow]:
        request = await rows.request(conn, request_id)
        if request is None or request.guardian_id not in actor.guardian_ids:
            raise RoundRefused(Refusal.NOT_YOURS)
        found = await rows.get(conn, request.round_id)
        assert found is not None
        round = questions.round_of(found, self._cipher)
        now = self._clock.now()
        if round.status == RoundStatus.CANCELLED:
            raise RoundRefused(Refusal.ROUND_CANCELLED, round=round, student_id=request.student_id)
        if round.status == RoundStatus.CLOSED or now >= round.closes_at:
            raise RoundRefused(Refusal.ROUND_CLOSED, round=round, student_id=request.student_id)
        student = await people.student(conn, request.student_id)
        on_roster = (
            student is not None
            and student.left_at is None
            and request.stopped_at is None
            and request.guardian_id in await people.guardians_of(conn, request.student_id)
        )
        if not on_roster:
            raise RoundRefused(Refusal.OFF_ROSTER, round=round, student_id=request.student_id)
        assert student is not None
        answered = await consents.answer_at(conn, answer_key(request.id))
        if answered is not None and answering:
            raise RoundRefused(
                Refusal.ALREADY_ANSWERED,
                round=round,
                student_id=request.student_id,
                answered_at=from_db(answered),
            )
        school = self._schools[round.school_id]
        question = await questions.load(
            conn, request, round, school, student, now.astimezone(school.tz).date()
        )
        return question, request

    async def _refused(
        self, actor: Actor, request_id: int, refused: RoundRefused, action: str
    ) -> None:
        await record_refusal(
            self._db,
            self._keys,
            self._clock,
            actor=self._keys.pseudonym("tg", actor.telegram_user_id),
            school_id=refused.round.school_id if refused.round is not None else None,
            subject=f"round_request:{request_id}",
            details={"action": action, "reason": refused.reason.value},
        )

    async def question(self, actor: Actor, request_id: int) -> Question:
        """The question as it stands now, to show it again (OPEN, CHOOSE). RoundRefused
        when it is not this guardian's, the round is closed or cancelled, or they are no
        longer on the roster; a question already answered shows with ``answered_at``."""
        try:
            question, _ = await self._load(self._db.reader, actor, request_id, answering=False)
        except RoundRefused as refused:
            await self._refused(actor, request_id, refused, "open")
            raise
        answered = await consents.answer_at(self._db.reader, answer_key(request_id))
        if answered is None:
            return question
        return Question(
            question.request_id,
            question.round,
            question.school,
            question.student,
            question.purposes,
            question.own,
            question.asked_at,
            from_db(answered),
        )

    async def answer(self, actor: Actor, request_id: int, selection: int) -> RoundAnswer:
        """Record the choices of a Send button (RoundAction.SEND)."""
        return await self._record(actor, request_id, selection=selection)

    async def keep(self, actor: Actor, request_id: int) -> RoundAnswer:
        """Keep every current answer as this round's answer (RoundAction.KEEP)."""
        return await self._record(actor, request_id, selection=None)

    async def _record(
        self, actor: Actor, request_id: int, *, selection: int | None
    ) -> RoundAnswer:
        now = self._clock.now()
        action = "keep" if selection is None else "send"
        try:
            async with self._db.transaction() as conn:
                question, request = await self._load(conn, actor, request_id, answering=True)
                if selection is None:
                    chosen = {
                        p.key: own
                        for p, own in zip(question.purposes, question.own, strict=True)
                        if own is not None
                    }
                    if not chosen:
                        raise RoundRefused(Refusal.NOTHING_TO_KEEP, round=question.round)
                else:
                    picked = question.selection(selection)
                    if not picked:
                        raise RoundRefused(Refusal.INVALID, round=question.round)
                    chosen = picked
                result = await self._answer_in(conn, actor, question, request, chosen, now)
        except RoundRefused as refused:
            await self._refused(actor, request_id, refused, action)
            raise
        self._bell.ring()
        return result

    async def _answer_in(
        self,
        conn: Connection,
        actor: Actor,
        question: Question,
        request: RequestRow,
        chosen: dict[str, bool],
        now: datetime,
    ) -> RoundAnswer:
        round = question.round
        if not await consents.add_answer(
            conn,
            key=answer_key(request.id),
            school_id=round.school_id,
            source="round",
            round_id=round.id,
            request_id=request.id,
            student_id=request.student_id,
            guardian_id=request.guardian_id,
            purposes=len(chosen),
            at=to_db(now),
        ):
            raise RoundRefused(Refusal.ALREADY_ANSWERED, round=round)
        change = await self._consents.record_in(
            conn,
            actor,
            request.student_id,
            chosen,
            source=Source("round", round.id),
            guardian_id=request.guardian_id,
            fresh=True,
        )
        await rows.mark_answered(conn, [request.id], to_db(now), "round", again=True)
        await outbox.drop_pending_keyed(
            conn, [questions.reminder_key(round.id, request.id, n) for n in questions.REMINDERS]
        )
        await audit.record(
            conn,
            self._keys.audit,
            now,
            actor=self._keys.pseudonym("tg", actor.telegram_user_id),
            action=AuditAction.ROUND_ANSWERED,
            school_id=round.school_id,
            subject=f"round_request:{request.id}",
            details={
                "round": round.id,
                "answered": sorted(chosen),
                "changed": sorted(change.changes),
                "case": change.case.number if change.case is not None else None,
            },
        )
        states = await self._consents.states_in(conn, request.guardian_id, request.student_id)
        return RoundAnswer(
            question,
            chosen,
            states,
            change.case.number if change.case is not None else None,
        )
