"""Who is acting on a case as staff, and what a refusal says: shared by the staff actions
(bot.domain.staff_cases) and the staff screens' reading (bot.domain.staff_views)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.domain.case_details import category_keys
from bot.domain.cases import Cases
from bot.domain.model import Case, Change, Kind, RefusalReason, Refused, Status
from bot.domain.transitions import (
    INFORM_AFTER,
    Acting,
    Action,
    may_see,
)
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import accounts, cases, people, staff
from storage.db import Connection, Database
from storage.people import Student
from storage.staff import StaffMember


@dataclass(frozen=True, slots=True)
class StaffActor:
    telegram_user_id: int


@dataclass(frozen=True, slots=True)
class Ctx:
    conn: Connection
    case: Case
    member: StaffMember
    acting: Acting
    student: Student
    school: SchoolConfig


@dataclass(frozen=True, slots=True)
class Document:
    kind: str
    file_id: str
    name: str | None
    received: bool


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    student: Student
    guardian_name: str
    assignee_name: str | None
    timeline: list[Change]
    notes: list[tuple[Change, str]]
    documents: list[Document]
    outcome: str | None
    outcome_message: str | None
    outcome_details: dict[str, Any]
    extension_reasons: list[str]
    """The reason given for each extension of the answer date, oldest first."""
    actions: list[Action]
    to_inform: list[str]
    informed: list[str]
    undelivered: int = 0
    """Messages about this case that could not be delivered (blocked, chat gone)."""
    lifted_on: date | None = None
    """The day a granted restriction ends; the parent was told before (AVG art. 18(3))."""
    lift_reason: str | None = None
    guardian_email: str = ""
    """The requester's e-mail address from the roster (a dossier copy sent by e-mail)."""
    requester_on_roster: bool = True
    """False when the parent who asked is no longer a guardian of the child on the roster:
    their rights over the request stay, but a copy is sent only after staff confirm it."""


@dataclass(frozen=True, slots=True)
class QueueCase:
    """What a queue line needs of a case (no text, no details: it shows neither)."""

    id: int
    number: str
    kind: Kind
    status: Status
    due: date
    assignee_staff_id: int | None


@dataclass(frozen=True, slots=True)
class QueueLine:
    case: QueueCase
    first_name: str
    group_name: str | None
    days_left: int


async def requester_on_roster(conn: Connection, case: Case) -> bool:
    """Whether the parent who made the request is still a guardian of the child on the
    roster (a case the school opened itself has no requester to check)."""
    return case.guardian_id in await people.guardians_of(conn, case.student_id)


def parse_number(text: str) -> tuple[int, int] | None:
    """'2026-0042' as (2026, 42); None for anything else."""
    year, dash, seq = text.strip().partition("-")
    if not dash or not (year.isdigit() and len(year) == 4 and seq.isdigit() and len(seq) <= 6):
        return None
    return int(year), int(seq)


def extension_reasons(stored: str | None) -> list[str]:
    """The reasons given for each extension, oldest first (one plain reason in rows written
    before a second extension was possible)."""
    if stored is None:
        return []
    try:
        found = json.loads(stored)
    except ValueError:
        return [stored]
    if isinstance(found, dict) and isinstance(reasons := found.get("reasons"), list):
        return [str(r) for r in reasons]
    return [stored]


def recipients_to_inform(
    case: Case, school: SchoolConfig, outcome: str | None, kept: Sequence[str]
) -> list[str]:
    """Recipients in the register that receive the corrected, erased or restricted data
    (art. 19)."""
    if (case.kind, outcome) not in INFORM_AFTER:
        return []
    keys: list[str] = []
    for key in category_keys(case.details):
        category = school.category(key)
        if category is None or key in kept:
            continue
        keys += [r for r in category.recipients if r not in keys]
    return keys


class StaffBase:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
        cases_service: Cases,
    ) -> None:
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._schools = schools
        self._cases = cases_service

    # --- who is acting ------------------------------------------------------------------

    async def members(self, conn: Connection, who: StaffActor) -> list[tuple[StaffMember, Acting]]:
        found = []
        for link in await accounts.links(conn, who.telegram_user_id):
            if link.staff_id is None:
                continue
            member = await staff.get(conn, link.staff_id)
            if member is None:
                continue
            groups = frozenset(await staff.groups_of(conn, member.id))
            found.append((member, Acting(member.id, member.school_id, member.role, groups)))
        return found

    async def _member_for(
        self, conn: Connection, who: StaffActor, school_id: int
    ) -> tuple[StaffMember, Acting] | None:
        return next(
            ((m, a) for m, a in await self.members(conn, who) if a.school_id == school_id), None
        )

    async def _load(self, conn: Connection, who: StaffActor, case_id: int) -> Ctx:
        row = await cases.get(conn, case_id)
        if row is None:
            raise Refused(RefusalReason.NOT_ALLOWED)
        found = await self._member_for(conn, who, row.school_id)
        student = await people.student(conn, row.student_id)
        if (
            found is None
            or student is None
            or not may_see(found[1], row.school_id, student.group_id)
        ):
            raise Refused(RefusalReason.NOT_ALLOWED)
        case = self._cases.from_row(row)
        return Ctx(conn, case, found[0], found[1], student, self._schools[row.school_id])

    async def refusal(
        self, who: StaffActor, action: str, case_id: int | None, reason: str
    ) -> None:
        """Audit a refused staff action (its own unit of work: the action changed nothing)."""
        async with self._db.transaction() as conn:
            await audit.record(
                conn,
                self._keys.audit,
                self._clock.now(),
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                action=AuditAction.STAFF_REFUSED,
                subject=f"case:{case_id}" if case_id else "",
                details={"action": action, "reason": reason},
            )

    def _decrypt(self, context: str, blob: bytes | None) -> str | None:
        return self._cipher.decrypt_text(blob, context) if blob else None
