"""Photo consent per child and per purpose.

Silence is not consent: a purpose nobody answered counts as refused. With several
guardians, consent is effective when at least one gave it and none refused it. A change
takes effect the moment it is confirmed, is appended to the ledger, is told to the child's
other guardians and queues a consent case for the teacher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot import outbox
from bot.clock import Clock
from bot.domain.case_details import PUPIL_LEFT
from bot.domain.cases import Cases
from bot.domain.model import Actor, Case, Kind
from bot.domain.texts.for_parents import consent_changed_notice
from bot.schools.config import SchoolConfig
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from storage import accounts, consents, people
from storage.db import Connection, Database, to_db
from storage.people import Student


@dataclass(frozen=True, slots=True)
class PurposeState:
    key: str
    own: bool | None
    """This parent's own choice; None when they never answered."""
    effective: bool
    """Whether the school may use photos for this purpose now."""
    refused_by_other: bool


def effective(choices: list[bool]) -> bool:
    return any(choices) and all(choices)


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
        self, conn: Connection, guardian_id: int, student_id: int, school: SchoolConfig
    ) -> list[PurposeState]:
        current = set(await people.guardians_of(conn, student_id))
        choices = [c for c in await consents.latest(conn, student_id) if c.guardian_id in current]
        states = []
        for purpose in school.photo_purposes:
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
            states.append(PurposeState(purpose.key, own, effective(answers), False in others))
        return states

    async def states(self, actor: Actor, student_id: int) -> list[PurposeState]:
        conn = self._db.reader
        guardian_id = await self._cases.guardian_for(conn, actor, student_id)
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
        now = self._clock.now()
        async with self._db.transaction() as conn:
            if idempotency_key is not None:
                earlier = await self._cases.by_key(conn, actor, idempotency_key)
                if earlier is not None:
                    return ConsentChange(dict(earlier.details.get("changes", {})), earlier)
            guardian_id = await self._cases.guardian_for(conn, actor, student_id)
            student = await people.student(conn, student_id)
            assert student is not None
            school = self._schools[student.school_id]
            before = {
                s.key: s.own for s in await self._states(conn, guardian_id, student_id, school)
            }
            changes = {
                key: value
                for key, value in wanted.items()
                if key in before and before[key] is not value
            }
            if not changes:
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
            for key, granted in sorted(changes.items()):
                await consents.append(
                    conn,
                    school_id=student.school_id,
                    student_id=student_id,
                    guardian_id=guardian_id,
                    purpose=key,
                    granted=granted,
                    at=to_db(now),
                    case_id=case.id,
                )
            await self._cases.record(
                conn,
                actor,
                AuditAction.CONSENT_CHANGED,
                school_id=student.school_id,
                subject=f"student:{student_id}",
                details={"changes": changes, "case": case.number},
            )
            states_after = await self._states(conn, guardian_id, student_id, school)
            after = {s.key: s.effective for s in states_after}
            refused = {s.key for s in states_after if s.own is False or s.refused_by_other}
            others = [g for g in await people.guardians_of(conn, student_id) if g != guardian_id]
            own_chats = {
                r.chat_id for r in await accounts.recipients(conn, guardian_ids=[guardian_id])
            }
            await outbox.enqueue_each(
                conn,
                self._cipher,
                now,
                [
                    r
                    for r in await accounts.recipients(conn, guardian_ids=others)
                    if r.chat_id not in own_chats
                ],
                lambda: consent_changed_notice(
                    student, changes, after, school, own_before, refused
                ),
                school_id=student.school_id,
                case_id=case.id,
            )
        self._cases.bell.ring()
        return ConsentChange(changes, case)
