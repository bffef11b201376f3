"""Paper for the guardians a round cannot reach in the bot, and their answers recorded.

The letters go to every guardian the round cannot reach in the bot (not linked, or
blocked it) and who has not answered: one page per child. A signed form comes back to the
school, and a teacher of the child's group or the director records it: per purpose yes
or no, for the guardian who signed. It counts like any other answer (the same ledger, the
two-guardian rule, the other guardian told, a task when something changed), marked as
"paper, recorded by" that staff member; it is never a consent written on anyone's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.clock import Clock
from bot.domain.consent import ConsentChange, Consents, PurposeState, Source, today_at
from bot.domain.model import Actor, RefusalReason, Refused, Role
from bot.domain.rounds import questions
from bot.domain.rounds.access import members_of
from bot.domain.staff_base import StaffActor
from bot.i18n import Language, language_or_default
from bot.outbox import Bell
from bot.schools.config import ConsentPurpose, SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import consents, people, schools, staff
from storage import rounds as rows
from storage.db import Connection, Database, fetch_one, to_db
from storage.people import Student
from storage.staff import StaffMember


@dataclass(frozen=True, slots=True)
class PaperLetter:
    """One page: a guardian's form about one child."""

    guardian_id: int
    guardian_name: str
    language: Language
    linked: bool
    """True: linked but the bot cannot reach them (blocked); their page links to the bot
    without a code. False: their page carries a new invitation code."""
    child: str
    group: str
    purposes: tuple[ConsentPurpose, ...]
    closes_on: date
    message: str | None
    round_number: int


@dataclass(frozen=True, slots=True)
class GuardianChoice:
    """A guardian of the child, to pick who signed a paper form."""

    guardian_id: int
    name: str
    in_bot: bool


@dataclass(frozen=True, slots=True)
class PaperAnswer:
    student: Student
    guardian_id: int
    answers: dict[str, bool]
    change: ConsentChange
    states: list[PurposeState]
    again: bool = False
    """The same form recorded a second time (a double tap): nothing more was written."""


class PaperAnswers:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        clock: Clock,
        schools_config: dict[int, SchoolConfig],
        consents_service: Consents,
        bell: Bell,
    ) -> None:
        self._db, self._keys, self._clock = db, keys, clock
        self._schools = schools_config
        self._consents = consents_service
        self._bell = bell

    async def _member_for(self, who: StaffActor, student: Student | None) -> StaffMember:
        """The staff record that may record a form about this child: a teacher of the
        child's group, or the director; Refused (recorded) for anyone else."""
        conn = self._db.reader
        members = await members_of(conn, who.telegram_user_id)
        if student is not None and student.left_at is None:
            for member in members:
                if member.school_id != student.school_id:
                    continue
                if member.role == Role.DIRECTOR:
                    return member
                if member.role == Role.TEACHER and student.group_id in await staff.groups_of(
                    conn, member.id
                ):
                    return member
        async with self._db.transaction() as write:
            await audit.record(
                write,
                self._keys.audit,
                self._clock.now(),
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                action=AuditAction.CONSENTS_REFUSED,
                school_id=student.school_id if student is not None else None,
                details={"reason": "paper_answer_not_their_pupil"},
            )
        raise Refused(RefusalReason.NOT_ALLOWED)

    async def guardians(self, who: StaffActor, student_id: int) -> list[GuardianChoice]:
        """The child's guardians, to pick who signed the form."""
        conn = self._db.reader
        student = await people.student(conn, student_id)
        await self._member_for(who, student)
        found = []
        for guardian_id in await people.guardians_of(conn, student_id):
            guardian = await people.guardian(conn, guardian_id)
            if guardian is None:
                continue
            linked = await _linked(conn, guardian_id)
            found.append(GuardianChoice(guardian_id, guardian.name, linked))
        return found

    async def form_purposes(
        self, student_id: int, guardian_id: int
    ) -> tuple[int, tuple[ConsentPurpose, ...]] | None:
        """What the printed form of an open round asks this guardian about this child:
        (the round's number, its purposes that can still be answered); None when no open
        round asks them (a form written by the school itself: every purpose)."""
        conn = self._db.reader
        for _, found in await rows.open_requests_of_pair(conn, student_id, guardian_id):
            school = self._schools[found.school_id]
            today = self._clock.now().astimezone(school.tz).date()
            round = questions.round_of(found, None)
            return round.number, questions.answerable(round, school, today)
        return None

    async def record(
        self,
        who: StaffActor,
        student_id: int,
        guardian_id: int,
        answers: dict[str, bool],
        *,
        idempotency_key: str,
    ) -> PaperAnswer:
        """Record a signed paper form: ``answers`` per purpose (those left open are not
        in it). It answers the guardian's question in an open round asking these
        purposes."""
        student = await people.student(self._db.reader, student_id)
        member = await self._member_for(who, student)
        assert student is not None
        school = self._schools[student.school_id]
        answerable = {
            p.key for p in school.answerable_purposes(today_at(school, self._clock.now()))
        }
        known = {key: value for key, value in answers.items() if key in answerable}
        if not known or guardian_id not in await people.guardians_of(self._db.reader, student_id):
            raise Refused(RefusalReason.INVALID)
        now = self._clock.now()
        key = f"paper:{idempotency_key}"
        async with self._db.transaction() as conn:
            round_id = next(
                (
                    found.id
                    for _, found in await rows.open_requests_of_pair(conn, student_id, guardian_id)
                    if set(found.purposes) & set(known)
                ),
                None,
            )
            if not await consents.add_answer(
                conn,
                key=key,
                school_id=student.school_id,
                source="paper",
                round_id=round_id,
                student_id=student_id,
                guardian_id=guardian_id,
                recorded_by=member.id,
                purposes=len(known),
                at=to_db(now),
            ):
                states = await self._consents.states_in(conn, guardian_id, student_id)
                return PaperAnswer(
                    student, guardian_id, known, ConsentChange({}, None), states, again=True
                )
            change = await self._consents.record_in(
                conn,
                Actor(who.telegram_user_id, (guardian_id,)),
                student_id,
                known,
                source=Source("paper", round_id, member.id),
                guardian_id=guardian_id,
                fresh=True,
            )
            await audit.record(
                conn,
                self._keys.audit,
                now,
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                action=AuditAction.CONSENT_PAPER_RECORDED,
                school_id=student.school_id,
                subject=f"student:{student_id}",
                details={
                    "guardian": guardian_id,
                    "answered": sorted(known),
                    "changed": sorted(change.changes),
                    "recorded_by": member.id,
                    "round": round_id,
                    "source": "paper",
                },
            )
            states = await self._consents.states_in(conn, guardian_id, student_id)
        self._bell.ring()
        return PaperAnswer(student, guardian_id, known, change, states)


async def _linked(conn: Connection, guardian_id: int) -> bool:
    row = await fetch_one(
        conn, "SELECT 1 FROM account_links WHERE guardian_id = ? LIMIT 1", (guardian_id,)
    )
    return row is not None


async def letters_for(
    db: Database,
    cipher: Cipher,
    schools_config: dict[int, SchoolConfig],
    slug: str,
    number: int,
    today: date,
) -> list[PaperLetter]:
    """The pages of a round's letters (for ``privacyloket consent-letters``): every
    guardian the round cannot reach in the bot and who has not answered, one page per
    child, in handing-out order (group, child, guardian). LookupError when the school has
    no round with this number."""
    conn = db.reader
    school_id = await schools.find_id(conn, slug)
    found = await rows.by_number(conn, school_id, number) if school_id is not None else None
    if found is None or school_id is None:
        raise LookupError(number)
    school = schools_config[school_id]
    round = questions.round_of(found, cipher)
    purposes = questions.answerable(round, school, today)
    languages = {
        g.id: g.language for g in (await people.guardians_by_external_id(conn, school_id)).values()
    }
    letters = []
    for row in await rows.paper(conn, found.id):
        if row.answered:
            continue
        language = language_or_default(languages.get(row.guardian_id))
        letters.append(
            PaperLetter(
                guardian_id=row.guardian_id,
                guardian_name=row.guardian_name,
                language=language,
                linked=row.blocked,
                child=f"{row.first_name} {row.last_name}",
                group=row.group_name or "",
                purposes=purposes,
                closes_on=round.closes_on,
                message=round.message_in(language),
                round_number=round.number,
            )
        )
    return letters
