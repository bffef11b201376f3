"""Who may not appear in photos (or whose data may not go to another organisation), per
group and per consent purpose, for the school's staff.

The rule is the parents' one (bot.domain.consent.effective): a child may appear for a
purpose only when at least one current guardian gave consent and none refused it. No
answer counts as no; an exchange whose last day has passed applies to nobody. A teacher
sees the groups they teach, the director every group of the school; the foundation's
privacy officer sees counts, never names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.domain.consent import effective, today_at
from bot.domain.model import RefusalReason, Refused, Role
from bot.domain.rounds.model import Round
from bot.domain.rounds.responses import group_answers, group_responses
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import consents, people, schools
from storage import staff as staff_rows
from storage.db import Connection, Database
from storage.people import Student
from storage.staff import StaffMember


class Appearance(StrEnum):
    ALLOWED = "allowed"
    """At least one guardian gave consent and none refused."""
    REFUSED = "refused"
    DISAGREE = "disagree"
    """One guardian gave consent, another refused: the refusal wins."""
    UNKNOWN = "unknown"
    """Nobody answered: silence is not consent."""
    ENDED = "ended"
    """An exchange whose last day has passed: nobody's data goes out for it any more."""


def appearance(answers: Sequence[bool], *, ended: bool = False) -> Appearance:
    if ended:
        return Appearance.ENDED
    if effective(list(answers)):
        return Appearance.ALLOWED
    if not answers:
        return Appearance.UNKNOWN
    return Appearance.DISAGREE if True in answers else Appearance.REFUSED


@dataclass(frozen=True, slots=True)
class GroupRef:
    id: int
    school_id: int
    name: str


@dataclass(frozen=True, slots=True)
class PupilRow:
    student: Student
    states: dict[str, Appearance]

    def may_appear(self, purpose: str) -> bool:
        return self.states.get(purpose) == Appearance.ALLOWED


@dataclass(frozen=True, slots=True)
class GroupTable:
    group: GroupRef
    school: SchoolConfig
    pupils: list[PupilRow]
    responses: tuple[tuple[Round, int, int], ...] = ()
    """Per consent round open now: (the round, children of the group it asks, of whom at
    least one guardian answered), for "21 of 27 answered"
    (``texts.for_staff_rounds.response_line``)."""

    def may_not_appear(self, purpose: str) -> list[PupilRow]:
        return [p for p in self.pupils if not p.may_appear(purpose)]


@dataclass(frozen=True, slots=True)
class SchoolCounts:
    """For the privacy officer: numbers only."""

    school: SchoolConfig
    pupils: int
    allowed: dict[str, int]


def _group_order(group: GroupRef) -> tuple[int, int, str]:
    return (group.school_id, int(group.name) if group.name.isdigit() else 10**6, group.name)


class ConsentLists:
    def __init__(
        self, db: Database, keys: Keys, clock: Clock, schools: dict[int, SchoolConfig]
    ) -> None:
        self._db, self._keys, self._clock, self._schools = db, keys, clock, schools

    async def groups(self, members: Sequence[StaffMember]) -> list[GroupRef]:
        """The groups these staff roles may see lists of: a teacher's own, a director's all."""
        conn = self._db.reader
        found: dict[int, GroupRef] = {}
        for member in members:
            if member.role == Role.DIRECTOR:
                for group_id, name in await schools.groups(conn, member.school_id):
                    found[group_id] = GroupRef(group_id, member.school_id, name)
            elif member.role == Role.TEACHER:
                for group_id in await staff_rows.groups_of(conn, member.id):
                    ref = await schools.group(conn, group_id)
                    if ref is not None:
                        found[group_id] = GroupRef(group_id, ref[0], ref[1])
        return sorted(found.values(), key=_group_order)

    async def table(
        self, telegram_user_id: int, members: Sequence[StaffMember], group_id: int
    ) -> GroupTable:
        """The group's consent table, or Refused (recorded) for a group not theirs."""
        allowed = {g.id: g for g in await self.groups(members)}
        group = allowed.get(group_id)
        if group is None:
            await self.refuse(telegram_user_id, "consent_list_not_their_group", members)
            raise Refused(RefusalReason.NOT_ALLOWED)
        return await self._table(self._db.reader, group)

    async def _table(self, conn: Connection, group: GroupRef) -> GroupTable:
        school = self._schools[group.school_id]
        choices = await consents.latest_for_group(conn, group.id)
        today = today_at(school, self._clock.now())
        ended = {p.key for p in school.consent_purposes if p.ended(today)}
        pupils = []
        for student in await people.current_students_of_group(conn, group.id):
            own = choices.get(student.id, [])
            pupils.append(
                PupilRow(
                    student,
                    {
                        p.key: appearance(
                            [c.granted for c in own if c.purpose == p.key], ended=p.key in ended
                        )
                        for p in school.consent_purposes
                    },
                )
            )
        responses = await group_responses(conn, group.school_id, group.id)
        return GroupTable(group, school, pupils, tuple(responses))

    async def counts(self, members: Sequence[StaffMember]) -> list[SchoolCounts]:
        """For a privacy officer: per school of their foundation, how many may appear."""
        officer_schools = {m.school_id for m in members if m.role == Role.PRIVACY_OFFICER}
        foundations = {self._schools[s].foundation for s in officer_schools} - {None}
        school_ids = sorted(
            s
            for s, config in self._schools.items()
            if s in officer_schools or (config.foundation in foundations)
        )
        conn = self._db.reader
        result = []
        for school_id in school_ids:
            school = self._schools[school_id]
            allowed = dict.fromkeys((p.key for p in school.consent_purposes), 0)
            total = 0
            for group_id, name in await schools.groups(conn, school_id):
                table = await self._table(conn, GroupRef(group_id, school_id, name))
                total += len(table.pupils)
                for pupil in table.pupils:
                    for key in allowed:
                        allowed[key] += pupil.may_appear(key)
            result.append(SchoolCounts(school, total, allowed))
        return result

    async def refuse(
        self, telegram_user_id: int, reason: str, members: Sequence[StaffMember] = ()
    ) -> None:
        """A refused look at a consent list: nothing is shown, the attempt is recorded."""
        school_ids: list[int | None] = [*sorted({m.school_id for m in members})] or [None]
        async with self._db.transaction() as conn:
            for school_id in school_ids:
                await audit.record(
                    conn,
                    self._keys.audit,
                    self._clock.now(),
                    actor=self._keys.pseudonym("tg", telegram_user_id),
                    action=AuditAction.CONSENTS_REFUSED,
                    school_id=school_id,
                    details={"reason": reason},
                )

    async def round_answers(self, table: GroupTable) -> list[tuple[Round, dict[int, bool]]]:
        """For the group's table: per open round asking the group, who answered."""
        return await group_answers(self._db.reader, table.group.school_id, table.group.id)

    async def record_export(self, telegram_user_id: int, table: GroupTable) -> None:
        """Sending a group's table out of the bot is recorded (who, which group, how many)."""
        async with self._db.transaction() as conn:
            await audit.record(
                conn,
                self._keys.audit,
                self._clock.now(),
                actor=self._keys.pseudonym("tg", telegram_user_id),
                action=AuditAction.CONSENTS_EXPORTED,
                school_id=table.group.school_id,
                subject=f"group:{table.group.id}",
                details={"pupils": len(table.pupils)},
            )
