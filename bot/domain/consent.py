"""Consent per child and per purpose: photos and video, and data passed to another
organisation (an exchange).

Silence is not consent: a purpose nobody answered counts as refused. With several
guardians, consent is effective when at least one gave it and none refused it. A change
takes effect the moment it is confirmed, is appended to the ledger, is told to the child's
other guardians and queues a consent case for the teacher. An exchange that ended (its
``valid_until`` passed) no longer applies, whatever was answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import outbox
from bot.clock import Clock
from bot.domain.case_details import PUPIL_LEFT
from bot.domain.cases import Cases
from bot.domain.model import Actor, Case, Kind, RefusalReason, Refused
from bot.domain.photo_check_notices import tell_checkers_of_withdrawal
from bot.domain.texts.for_parents import consent_changed_notice
from bot.schools.config import ConsentPurpose, SchoolConfig
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from storage import accounts, consents, people, rounds, staff
from storage.db import Connection, Database, from_db, to_db
from storage.people import Student


@dataclass(frozen=True, slots=True)
class PurposeState:
    key: str
    own: bool | None
    """This parent's own choice; None when they never answered."""
    effective: bool
    """Whether the school may use photos (or pass the data on) for this purpose now."""
    refused_by_other: bool
    ended: bool = False
    """An exchange whose last day has passed: no consent applies to it any more."""


def effective(choices: list[bool]) -> bool:
    return any(choices) and all(choices)


def today_at(school: SchoolConfig, moment: datetime) -> date:
    """The school's local date at ``moment``: the day a purpose's ``valid_until`` is
    compared with."""
    return moment.astimezone(school.tz).date()


async def effective_purposes(conn: Connection, student_id: int) -> set[str]:
    """The purposes the school may use photos of the child for now."""
    current = set(await people.guardians_of(conn, student_id))
    answers: dict[str, list[bool]] = {}
    for choice in await consents.latest(conn, student_id):
        if choice.guardian_id in current:
            answers.setdefault(choice.purpose, []).append(choice.granted)
    return {purpose for purpose, given in answers.items() if effective(given)}


async def takedown_purposes(conn: Connection, school: SchoolConfig, student_id: int) -> list[str]:
    """The purposes to take down material of the child for when they leave: those the
    config marks ``takedown_on_leaving`` and the child had consent for (without consent,
    nothing was published)."""
    allowed = await effective_purposes(conn, student_id)
    return [p.key for p in school.photo_purposes if p.takedown_on_leaving and p.key in allowed]


async def takedown_after_leaving(
    conn: Connection,
    cases: Cases,
    school: SchoolConfig,
    student: Student,
    purposes: Sequence[str],
    left_on: date,
) -> Case | None:
    """The task to take down what was published of a pupil who left, for ``purposes``:
    the photo-consent task a withdrawal makes, for the child's teacher or else the
    director. Its parents did not ask for it, so they are not told; the consent ledger
    is left as the parents wrote it."""
    guardians = await people.guardians_of(conn, student.id)
    if not purposes or not guardians:
        return None
    return await cases.open_for_school_in(
        conn,
        student=student,
        guardian_id=min(guardians),
        kind=Kind.CONSENT,
        details={"takedown": list(purposes), "left_on": left_on.isoformat()},
        reason=PUPIL_LEFT,
    )


@dataclass(frozen=True, slots=True)
class Source:
    """How an answer came in: the parent in the menu (``kind`` None), a round's question
    ('round', with the round), or a signed paper form recorded by staff ('paper', with
    the staff member and, when it answered one, the round)."""

    kind: str | None = None
    round_id: int | None = None
    recorded_by: int | None = None


MENU = Source()


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One line of a child's consent ledger as a guardian reads it."""

    at: datetime
    purpose: str
    granted: bool | None
    """None: the purpose (an exchange) ended by itself on its last day."""
    own: bool
    """This guardian's own choice (else another guardian's)."""
    source: str | None
    """None: in the menu; 'round' (with ``round_number``); 'paper' (with
    ``recorded_by``); 'ended'."""
    round_number: int | None = None
    recorded_by: str | None = None
    """The staff member who recorded a paper form."""


@dataclass(frozen=True, slots=True)
class ConsentChange:
    changes: dict[str, bool]
    case: Case | None


class Consents:
    def __init__(
        self,
        db: Database,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
        cases: Cases,
    ) -> None:
        self._db, self._cipher, self._clock = db, cipher, clock
        self._schools = schools
        self._cases = cases

    async def _states(
        self,
        conn: Connection,
        guardian_id: int,
        student_id: int,
        school: SchoolConfig,
        purposes: Sequence[ConsentPurpose] | None = None,
    ) -> list[PurposeState]:
        """Per purpose (every consent purpose unless given), this guardian's own answer and
        what applies now."""
        current = set(await people.guardians_of(conn, student_id))
        choices = [c for c in await consents.latest(conn, student_id) if c.guardian_id in current]
        today = today_at(school, self._clock.now())
        states = []
        for purpose in school.consent_purposes if purposes is None else purposes:
            ended = purpose.ended(today)
            answers = [c.granted for c in choices if c.purpose == purpose.key]
            own = next(
                (
                    c.granted
                    for c in choices
                    if c.purpose == purpose.key and c.guardian_id == guardian_id
                ),
                None,
            )
            others = [
                c.granted
                for c in choices
                if c.purpose == purpose.key and c.guardian_id != guardian_id
            ]
            states.append(
                PurposeState(
                    purpose.key,
                    own,
                    effective(answers) and not ended,
                    False in others,
                    ended,
                )
            )
        return states

    async def states(self, actor: Actor, student_id: int) -> list[PurposeState]:
        """The photo purposes, in config order (the parents' photo-consent screen)."""
        conn = self._db.reader
        guardian_id = await self._cases.guardian_for(conn, actor, student_id)
        student = await people.student(conn, student_id)
        assert student is not None
        school = self._schools[student.school_id]
        return await self._states(conn, guardian_id, student_id, school, school.photo_purposes)

    async def all_states(self, actor: Actor, student_id: int) -> list[PurposeState]:
        """Every consent purpose, in the order of ``SchoolConfig.consent_purposes``: the
        photo purposes, then the exchanges (an ended one with ``ended`` set)."""
        conn = self._db.reader
        guardian_id = await self._cases.guardian_for(conn, actor, student_id)
        student = await people.student(conn, student_id)
        assert student is not None
        return await self._states(conn, guardian_id, student_id, self._schools[student.school_id])

    async def ledger(self, actor: Actor, student_id: int) -> list[LedgerLine]:
        """The child's ledger, oldest first: every choice of its current guardians (who,
        when, what, how it came in), and for an exchange whose last day has passed, that
        it ended by itself."""
        conn = self._db.reader
        guardian_id = await self._cases.guardian_for(conn, actor, student_id)
        student = await people.student(conn, student_id)
        assert student is not None
        school = self._schools[student.school_id]
        current = set(await people.guardians_of(conn, student_id))
        lines: list[LedgerLine] = []
        numbers: dict[int, int | None] = {}
        names: dict[int, str | None] = {}
        for entry in await consents.entries(conn, student_id):
            if entry.guardian_id not in current:
                continue
            if entry.round_id is not None and entry.round_id not in numbers:
                found = await rounds.get(conn, entry.round_id)
                numbers[entry.round_id] = found.number if found is not None else None
            if entry.recorded_by is not None and entry.recorded_by not in names:
                member = await staff.get(conn, entry.recorded_by)
                names[entry.recorded_by] = member.name if member is not None else None
            lines.append(
                LedgerLine(
                    from_db(entry.at),
                    entry.purpose,
                    entry.granted,
                    entry.guardian_id == guardian_id,
                    entry.source,
                    numbers.get(entry.round_id) if entry.round_id is not None else None,
                    names.get(entry.recorded_by) if entry.recorded_by is not None else None,
                )
            )
        today = today_at(school, self._clock.now())
        for purpose in school.exchange_purposes:
            if purpose.valid_until is None or not purpose.ended(today):
                continue
            ended = datetime.combine(
                purpose.valid_until + timedelta(days=1), time(0), tzinfo=school.tz
            )
            lines.append(LedgerLine(ended, purpose.key, None, False, "ended"))
        return sorted(lines, key=lambda line: line.at)

    async def states_in(
        self, conn: Connection, guardian_id: int, student_id: int
    ) -> list[PurposeState]:
        """Every consent purpose for this guardian and child, inside a unit of work."""
        student = await people.student(conn, student_id)
        assert student is not None
        return await self._states(conn, guardian_id, student_id, self._schools[student.school_id])

    async def change(
        self,
        actor: Actor,
        student_id: int,
        wanted: dict[str, bool],
        *,
        idempotency_key: str | None = None,
    ) -> ConsentChange:
        """Record the parent's choices that differ from what they chose before. The same
        confirmation again (same key: a double tap, or after a crash) records nothing and
        returns the change it made."""
        async with self._db.transaction() as conn:
            if idempotency_key is not None:
                earlier = await self._cases.by_key(conn, actor, idempotency_key)
                if earlier is not None:
                    return ConsentChange(dict(earlier.details.get("changes", {})), earlier)
            result = await self.record_in(
                conn, actor, student_id, wanted, idempotency_key=idempotency_key
            )
        if result.case is not None:
            self._cases.bell.ring()
        return result

    async def record_in(
        self,
        conn: Connection,
        actor: Actor,
        student_id: int,
        wanted: dict[str, bool],
        *,
        source: Source = MENU,
        guardian_id: int | None = None,
        fresh: bool = False,
        idempotency_key: str | None = None,
    ) -> ConsentChange:
        """Record a guardian's answers inside the caller's unit of work, the one way every
        answer enters the ledger (the menu, a round's question, a paper form).

        The choices that differ from the guardian's own earlier ones are changes: a case
        for the teacher, the child's other guardians told. With ``fresh`` (an answer to a
        round), every answered purpose is written to the ledger again, also when it did
        not change. Purposes not answered, unknown or ended are left alone: nothing is
        ever written on anyone's behalf. ``guardian_id`` names which of the actor's
        guardian records answers (default: theirs linked to the child)."""
        now = self._clock.now()
        if guardian_id is None:
            guardian_id = await self._cases.guardian_for(conn, actor, student_id)
        elif guardian_id not in actor.guardian_ids or guardian_id not in set(
            await people.guardians_of(conn, student_id)
        ):
            raise Refused(RefusalReason.NOT_ALLOWED)
        student = await people.student(conn, student_id)
        assert student is not None
        school = self._schools[student.school_id]
        states = await self._states(conn, guardian_id, student_id, school)
        before = {s.key: s.own for s in states if not s.ended}
        answered = {key: value for key, value in wanted.items() if key in before}
        changes = {key: value for key, value in answered.items() if before[key] is not value}
        written = answered if fresh else changes
        if not written:
            return ConsentChange({}, None)
        current = set(await people.guardians_of(conn, student_id))
        others_choices = [
            c
            for c in await consents.latest(conn, student_id)
            if c.guardian_id in current and c.guardian_id != guardian_id
        ]

        def applies(key: str, own: bool | None) -> bool:
            others = [c.granted for c in others_choices if c.purpose == key]
            return effective(others + ([] if own is None else [own]))

        effective_before = {key: applies(key, before[key]) for key in changes}
        own_before = {key: before[key] for key in changes}
        effective_now = {key: applies(key, granted) for key, granted in changes.items()}
        case = None
        if changes:
            case = await self._cases.create_in(
                conn,
                actor,
                student_id=student_id,
                kind=Kind.CONSENT,
                details={
                    "changes": changes,
                    "before": own_before,
                    "effective": effective_now,
                    "effective_before": effective_before,
                },
                idempotency_key=idempotency_key,
            )
        for key, granted in sorted(written.items()):
            await consents.append(
                conn,
                school_id=student.school_id,
                student_id=student_id,
                guardian_id=guardian_id,
                purpose=key,
                granted=granted,
                at=to_db(now),
                case_id=case.id if case is not None else None,
                source=source.kind,
                round_id=source.round_id,
                recorded_by=source.recorded_by,
            )
        await rounds.mark_answered_in_open_rounds(
            conn, student_id, guardian_id, written, to_db(now), source.kind or "menu"
        )
        if case is None:
            return ConsentChange({}, None)
        details: dict[str, object] = {"changes": changes, "case": case.number}
        if source.kind is not None:
            details["source"] = source.kind
        if source.recorded_by is not None:
            details["recorded_by"] = source.recorded_by
        await self._cases.record(
            conn,
            actor,
            AuditAction.CONSENT_CHANGED,
            school_id=student.school_id,
            subject=f"student:{student_id}",
            details=details,
        )
        states_after = [
            s for s in await self._states(conn, guardian_id, student_id, school) if not s.ended
        ]
        after = {s.key: s.effective for s in states_after}
        refused = {s.key for s in states_after if s.own is False or s.refused_by_other}
        others = [g for g in current if g != guardian_id]
        own_chats = {
            r.chat_id for r in await accounts.recipients(conn, guardian_ids=[guardian_id])
        }
        await outbox.enqueue_each(
            conn,
            self._cipher,
            now,
            [
                r
                for r in await accounts.recipients(conn, guardian_ids=sorted(others))
                if r.chat_id not in own_chats
            ],
            lambda: consent_changed_notice(student, changes, after, school, own_before, refused),
            school_id=student.school_id,
            case_id=case.id,
        )
        withdrawn = [k for k in changes if effective_before[k] and not effective_now[k]]
        await tell_checkers_of_withdrawal(conn, self._cipher, now, student, withdrawn, school)
        return ConsentChange(changes, case)
