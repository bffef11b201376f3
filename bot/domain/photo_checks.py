"""Check a photo before it is published, without the photo.

A teacher picks the purpose (website, newsletter, class app, ...) and taps the children
who appear (from their groups, several groups for an event); the answer comes at once:
OK to publish, or the names to leave out or make unrecognisable, each with the reason (no
answer, a parent refused, the parents disagree). No photo is uploaded and nothing about
faces is processed. The check is recorded (who, when, purpose, how many children, the
verdict), so the school can show that it checked; when consent for a child it cleared is
withdrawn later, the teacher who checked is told (``bot.domain.photo_check_notices``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.clock import Clock
from bot.domain.consent import today_at
from bot.domain.consent_lists import Appearance, ConsentLists, GroupRef, appearance
from bot.domain.model import RefusalReason, Refused, Role
from bot.domain.rounds.access import members_of
from bot.domain.staff_base import StaffActor
from bot.schools.config import PhotoPurpose, SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import consents, people, photo_checks
from storage.db import Connection, Database, from_db, to_db
from storage.people import Student
from storage.staff import StaffMember


class Verdict(StrEnum):
    PUBLISH = "publish"
    """Every child may appear for the purpose."""
    LEAVE_OUT = "leave_out"
    """Some may not: leave them out or make them unrecognisable."""


@dataclass(frozen=True, slots=True)
class CheckedChild:
    student: Student
    state: Appearance

    @property
    def cleared(self) -> bool:
        return self.state == Appearance.ALLOWED


@dataclass(frozen=True, slots=True)
class PhotoCheck:
    id: int
    school: SchoolConfig
    purpose: PhotoPurpose
    at: datetime
    children: tuple[CheckedChild, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.LEAVE_OUT if self.leave_out else Verdict.PUBLISH

    @property
    def leave_out(self) -> tuple[CheckedChild, ...]:
        return tuple(c for c in self.children if not c.cleared)


class PhotoChecks:
    def __init__(
        self, db: Database, keys: Keys, clock: Clock, schools: dict[int, SchoolConfig]
    ) -> None:
        self._db, self._keys, self._clock, self._schools = db, keys, clock, schools
        self._lists = ConsentLists(db, keys, clock, schools)

    async def _members(self, who: StaffActor) -> list[StaffMember]:
        return [
            m
            for m in await members_of(self._db.reader, who.telegram_user_id)
            if m.role in (Role.TEACHER, Role.DIRECTOR)
        ]

    async def groups(self, who: StaffActor) -> list[GroupRef]:
        """The groups whose children this person may check: a teacher's own, the
        director's every group."""
        return await self._lists.groups(await self._members(who))

    async def pupils(self, who: StaffActor, group_ids: Sequence[int]) -> list[Student]:
        """The current pupils of these groups, by group and name (the buttons to tap);
        Refused (recorded) for a group not theirs."""
        allowed = {g.id for g in await self.groups(who)}
        if not set(group_ids) <= allowed:
            await self._refuse(who, "photo_check_not_their_group")
            raise Refused(RefusalReason.NOT_ALLOWED)
        found: list[Student] = []
        for group_id in group_ids:
            found += await people.current_students_of_group(self._db.reader, group_id)
        return found

    async def pupil(self, who: StaffActor, group_ids: Sequence[int], student_id: int) -> Student:
        """One of the pupils of these groups, tapped as appearing in the photo; Refused
        (recorded) for any other child (a forged button, or one who left the group)."""
        for student in await self.pupils(who, group_ids):
            if student.id == student_id:
                return student
        await self._refuse(who, "photo_check_not_their_pupil")
        raise Refused(RefusalReason.NOT_ALLOWED)

    async def check(
        self,
        who: StaffActor,
        purpose: str,
        student_ids: Sequence[int],
        *,
        idempotency_key: str | None = None,
    ) -> PhotoCheck:
        """Check whether these children may appear for this photo purpose, and record the
        check. The same key again (a double tap) returns the check it recorded."""
        members = await self._members(who)
        allowed = {g.id: g for g in await self._lists.groups(members)}
        conn = self._db.reader
        students = [await people.student(conn, s) for s in dict.fromkeys(student_ids)]
        if not students:
            raise Refused(RefusalReason.INVALID)
        if (
            any(s is None or s.left_at is not None or s.group_id not in allowed for s in students)
            or len({s.school_id for s in students if s is not None}) != 1
        ):
            await self._refuse(who, "photo_check_not_their_group")
            raise Refused(RefusalReason.NOT_ALLOWED)
        children = [s for s in students if s is not None]
        school_id = children[0].school_id
        school = self._schools[school_id]
        chosen = school.purpose(purpose)
        if chosen is None:
            raise Refused(RefusalReason.INVALID)
        member = next(
            (m for m in members if m.school_id == school_id and m.role == Role.DIRECTOR),
            next(m for m in members if m.school_id == school_id),
        )
        now = self._clock.now()
        async with self._db.transaction() as write:
            if idempotency_key is not None:
                earlier = await photo_checks.by_key(write, idempotency_key)
                if earlier is not None:
                    return await self._load(earlier.id, school, chosen, from_db(earlier.at))
            checked = await self._states(
                write, children, chosen, chosen.ended(today_at(school, now))
            )
            check_id = await photo_checks.insert(
                write,
                school_id=school_id,
                staff_id=member.id,
                at=to_db(now),
                purpose=purpose,
                cleared=[c.student.id for c in checked if c.cleared],
                left_out=[c.student.id for c in checked if not c.cleared],
                idempotency_key=idempotency_key,
            )
            result = PhotoCheck(check_id, school, chosen, now, tuple(checked))
            await audit.record(
                write,
                self._keys.audit,
                now,
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                action=AuditAction.PHOTO_CHECKED,
                school_id=school_id,
                subject=f"photo_check:{check_id}",
                details={
                    "purpose": purpose,
                    "children": len(checked),
                    "left_out": len(result.leave_out),
                    "verdict": result.verdict.value,
                    "staff": member.id,
                },
            )
        return result

    async def _states(
        self, conn: Connection, children: Sequence[Student], purpose: PhotoPurpose, ended: bool
    ) -> list[CheckedChild]:
        checked = []
        for student in children:
            current = set(await people.guardians_of(conn, student.id))
            answers = [
                c.granted
                for c in await consents.latest(conn, student.id)
                if c.guardian_id in current and c.purpose == purpose.key
            ]
            checked.append(CheckedChild(student, appearance(answers, ended=ended)))
        return checked

    async def _load(
        self, check_id: int, school: SchoolConfig, purpose: PhotoPurpose, at: datetime
    ) -> PhotoCheck:
        """A check recorded before: who it cleared then (the reasons as they are now)."""
        conn = self._db.reader
        children = []
        for student_id, cleared in await photo_checks.children_of(conn, check_id):
            student = await people.student(conn, student_id)
            assert student is not None
            if cleared:
                children.append(CheckedChild(student, Appearance.ALLOWED))
            else:
                [now] = await self._states(conn, [student], purpose, False)
                state = Appearance.UNKNOWN if now.state == Appearance.ALLOWED else now.state
                children.append(CheckedChild(student, state))
        return PhotoCheck(check_id, school, purpose, at, tuple(children))

    async def _refuse(self, who: StaffActor, reason: str) -> None:
        await self._lists.refuse(
            who.telegram_user_id,
            reason,
            await members_of(self._db.reader, who.telegram_user_id),
        )
