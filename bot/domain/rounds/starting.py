"""Starting a consent round: the draft, its preview, and Start.

Nothing is stored before Start. Start checks the draft again inside its unit of work (so
two directors starting at once cannot both open a round for one purpose), creates the
round with a request per guardian and child, and queues each question for the guardians
it can reach in the bot, in one transaction: after a crash either all of it is there or
none of it, and starting again with the same key returns the rounds it made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.domain.rounds import audience, questions
from bot.domain.rounds.access import members_of, record_refusal, round_schools
from bot.domain.rounds.audience import Contact, Reach
from bot.domain.rounds.model import (
    DEFAULT_DAYS,
    Audience,
    DraftProblem,
    Problem,
    Question,
    Round,
    RoundDraft,
    RoundNotStarted,
    RoundStatus,
    closing_moment,
)
from bot.domain.rounds.validation import draft_problems
from bot.domain.staff_base import StaffActor
from bot.i18n import Language, language_or_default
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security import audit, contexts
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import consents, people
from storage import rounds as rows
from storage.db import Connection, Database, to_db
from storage.people import Student
from storage.staff import StaffMember


@dataclass(frozen=True, slots=True)
class RoundPreview:
    """What Start would do at one school, counted now."""

    school_id: int
    number: int
    """The number the round will get at the school."""
    children: int
    questions: int
    """Questions that go out in the bot at Start (one per guardian and child)."""
    on_paper: int
    """Guardian-and-child pairs that need paper: the guardian is not linked or blocked."""
    guardians_in_bot: int
    guardians_not_linked: int
    guardians_blocked: int
    sample: Question | None
    """The first question (by group and name) exactly as that guardian will see it;
    render it with ``texts.for_parents_rounds.question_text`` in ``sample_language``."""
    sample_language: Language


@dataclass(frozen=True, slots=True)
class _Plan:
    school_id: int
    school: SchoolConfig
    today: date
    pairs: list[tuple[int, int]]
    contacts: dict[int, Contact]
    own: dict[tuple[int, int], dict[str, bool]]
    students: dict[int, Student]
    languages: dict[int, str]
    """Each guardian's roster language (for one who is not linked)."""

    def contact(self, guardian_id: int) -> Contact:
        return audience.reach_of(self.contacts, guardian_id)


class ConsentRounds:
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
        self.bell = bell

    def actor(self, who: StaffActor) -> str:
        return self._keys.pseudonym("tg", who.telegram_user_id)

    async def schools_for(self, who: StaffActor) -> dict[int, SchoolConfig]:
        """The schools whose rounds this person may run (empty: none)."""
        members = await members_of(self._db.reader, who.telegram_user_id)
        return {i: self._schools[i] for i in sorted(round_schools(members, self._schools))}

    async def new_draft(self, who: StaffActor, school_ids: tuple[int, ...] = ()) -> RoundDraft:
        """A draft to start from: the given schools (default: every school this person
        may run rounds for), every photo purpose, everyone, closing in 14 days."""
        allowed = await self.schools_for(who)
        chosen = tuple(i for i in school_ids if i in allowed) or tuple(allowed)
        first = self._schools[chosen[0]] if chosen else next(iter(self._schools.values()))
        today = self._clock.now().astimezone(first.tz).date()
        return RoundDraft(
            school_ids=chosen,
            purposes=tuple(p.key for p in first.photo_purposes),
            audience=Audience.EVERYONE,
            closes_on=today + timedelta(days=DEFAULT_DAYS),
        )

    async def _check(
        self, conn: Connection, who: StaffActor, draft: RoundDraft
    ) -> tuple[list[_Plan], dict[int, StaffMember], list[DraftProblem]]:
        members = await members_of(conn, who.telegram_user_id)
        allowed = round_schools(members, self._schools)
        problems: list[DraftProblem] = []
        plans: list[_Plan] = []
        if not draft.school_ids:
            problems.append(DraftProblem(Problem.NOT_ALLOWED))
        for school_id in draft.school_ids:
            if school_id not in allowed:
                problems.append(DraftProblem(Problem.NOT_ALLOWED, school_id))
                continue
            school = self._schools[school_id]
            today = self._clock.now().astimezone(school.tz).date()
            open_rounds = [
                questions.round_of(r, self._cipher)
                for r in await rows.open_rounds(conn, school_id)
            ]
            found = draft_problems(draft, school_id, school, today, open_rounds)
            problems += found
            if found:
                continue
            plan = await self._plan(conn, draft, school_id, school, today)
            if not plan.pairs:
                problems.append(DraftProblem(Problem.NO_RECIPIENTS, school_id))
            plans.append(plan)
        return plans, allowed, problems

    async def _plan(
        self,
        conn: Connection,
        draft: RoundDraft,
        school_id: int,
        school: SchoolConfig,
        today: date,
    ) -> _Plan:
        pairs = await audience.pairs(conn, school_id, draft.purposes, draft.audience)
        by_external = await people.students_by_external_id(conn, school_id)
        guardians = await people.guardians_by_external_id(conn, school_id)
        return _Plan(
            school_id=school_id,
            school=school,
            today=today,
            pairs=pairs,
            contacts=await audience.contacts(conn, school_id),
            own=await consents.own_answers_for_school(conn, school_id, draft.purposes),
            students={s.id: s for s in by_external.values()},
            languages={g.id: g.language for g in guardians.values()},
        )

    async def _refuse_not_allowed(
        self, who: StaffActor, problems: list[DraftProblem], action: str
    ) -> None:
        for problem in problems:
            if problem.problem == Problem.NOT_ALLOWED:
                await record_refusal(
                    self._db,
                    self._keys,
                    self._clock,
                    actor=self.actor(who),
                    school_id=problem.school_id,
                    subject=f"school:{problem.school_id}" if problem.school_id else "",
                    details={"action": action, "reason": "not_allowed"},
                )

    async def preview(self, who: StaffActor, draft: RoundDraft) -> list[RoundPreview]:
        """What Start would do, per school; RoundNotStarted lists every problem."""
        conn = self._db.reader
        plans, _, problems = await self._check(conn, who, draft)
        if problems:
            await self._refuse_not_allowed(who, problems, "preview")
            raise RoundNotStarted(problems)
        found = []
        for plan in plans:
            number = await rows.next_number(conn, plan.school_id)
            round = self._draft_round(draft, plan, number, 0, 0)
            in_bot = [p for p in plan.pairs if plan.contact(p[1]).reach == Reach.BOT]
            guardians = {g for _, g in plan.pairs}
            reach = {g: plan.contact(g).reach for g in guardians}
            sample = None
            language = "nl"
            if plan.pairs:
                student_id, guardian_id = plan.pairs[0]
                sample = questions.question(
                    0,
                    round,
                    plan.school,
                    plan.students[student_id],
                    plan.own.get((student_id, guardian_id), {}),
                    plan.today,
                )
                contact = plan.contact(guardian_id)
                language = language_or_default(contact.language or plan.languages.get(guardian_id))
            found.append(
                RoundPreview(
                    school_id=plan.school_id,
                    number=number,
                    children=len({s for s, _ in plan.pairs}),
                    questions=len(in_bot),
                    on_paper=len(plan.pairs) - len(in_bot),
                    guardians_in_bot=sum(r == Reach.BOT for r in reach.values()),
                    guardians_not_linked=sum(r == Reach.NOT_LINKED for r in reach.values()),
                    guardians_blocked=sum(r == Reach.BLOCKED for r in reach.values()),
                    sample=sample,
                    sample_language=language,
                )
            )
        return found

    def _draft_round(
        self, draft: RoundDraft, plan: _Plan, number: int, round_id: int, started_by: int
    ) -> Round:
        now = self._clock.now()
        return Round(
            id=round_id,
            school_id=plan.school_id,
            number=number,
            purposes=draft.purposes,
            audience=draft.audience,
            started_by=started_by,
            started_at=now,
            closes_on=draft.closes_on,
            closes_at=closing_moment(draft.closes_on, plan.school.tz),
            status=RoundStatus.OPEN,
            message=draft.message(),
        )

    async def start(
        self, who: StaffActor, draft: RoundDraft, *, idempotency_key: str
    ) -> list[Round]:
        """Start the round at every school of the draft, or none (RoundNotStarted with
        every problem). The same key again returns the rounds it started."""
        now = self._clock.now()
        try:
            async with self._db.transaction() as conn:
                earlier = await rows.by_key(conn, idempotency_key)
                if earlier:
                    return [questions.round_of(r, self._cipher) for r in earlier]
                plans, allowed, problems = await self._check(conn, who, draft)
                if problems:
                    raise RoundNotStarted(problems)
                started = [
                    await self._start_at(
                        conn, draft, plan, allowed[plan.school_id], now, who, idempotency_key
                    )
                    for plan in plans
                ]
        except RoundNotStarted as refused:
            await self._refuse_not_allowed(who, list(refused.problems), "start")
            raise
        self.bell.ring()
        return started

    async def _start_at(
        self,
        conn: Connection,
        draft: RoundDraft,
        plan: _Plan,
        member: StaffMember,
        now: datetime,
        who: StaffActor,
        key: str,
    ) -> Round:
        number = await rows.next_number(conn, plan.school_id)
        round_id = await rows.insert(
            conn,
            school_id=plan.school_id,
            number=number,
            purposes=draft.purposes,
            audience=draft.audience,
            started_by=member.id,
            started_at=to_db(now),
            closes_on=draft.closes_on.isoformat(),
            closes_at=to_db(closing_moment(draft.closes_on, plan.school.tz)),
            idempotency_key=f"{key}#{plan.school_id}",
        )
        round = self._draft_round(draft, plan, number, round_id, member.id)
        message = draft.message()
        if message is not None:
            blob = self._cipher.encrypt_text(json.dumps(message), contexts.round_message(round_id))
            await rows.set_message(conn, round_id, blob)
        await rows.add_requests(conn, round_id, plan.pairs, to_db(now))
        asked, blocked = await ask(conn, self._cipher, now, round, plan.school, plan.today, plan)
        await audit.record(
            conn,
            self._keys.audit,
            now,
            actor=self.actor(who),
            action=AuditAction.ROUND_STARTED,
            school_id=plan.school_id,
            subject=f"round:{round_id}",
            details={
                "number": number,
                "purposes": list(draft.purposes),
                "audience": draft.audience.value,
                "closes_on": draft.closes_on.isoformat(),
                "requests": len(plan.pairs),
                "asked": asked,
                "blocked": blocked,
            },
        )
        return round


async def ask(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    round: Round,
    school: SchoolConfig,
    today: date,
    plan: _Plan,
) -> tuple[int, int]:
    """Queue the question of every request of the round the bot can reach, and mark the
    blocked ones; (asked, blocked)."""
    asked: list[tuple[int, str]] = []
    blocked: list[int] = []
    for request in await rows.requests(conn, round.id):
        contact = plan.contact(request.guardian_id)
        if contact.reach == Reach.BLOCKED:
            blocked.append(request.id)
            continue
        if contact.reach != Reach.BOT:
            continue
        own = plan.own.get((request.student_id, request.guardian_id), {})
        student = plan.students[request.student_id]
        question = questions.question(request.id, round, school, student, own, today)
        asked.append(
            (request.id, await questions.queue_question(conn, cipher, now, question, contact))
        )
    await rows.mark_asked(conn, asked, to_db(now))
    await rows.mark_blocked(conn, blocked, to_db(now))
    return len(asked), len(blocked)
