"""Privacy requests as cases: who they go to, when they are due, and who may do what.

Every transition is a method here that checks who may perform it, writes the case
timeline and an audit event, and queues the notifications, all in one unit of work.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.domain.case_details import OPENED_BY, opened_by_school
from bot.domain.deadlines import due_date, school_days_after
from bot.domain.notifications import case_withdrawn_notice, new_case_alert, open_case_button
from bot.jobs import outbox
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import accounts, case_work, cases, people, staff
from storage.accounts import Recipient
from storage.cases import CaseEvent, CaseRow
from storage.db import Connection, Database, from_db, to_db
from storage.people import Student

MAX_TEXT = 1000


class Kind(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    CONSENT = "consent"
    RESTRICTION = "restriction"
    OBJECTION = "objection"


class Status(StrEnum):
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ROUTES: dict[Kind, str] = {
    Kind.ACCESS: "teacher",
    Kind.RECTIFICATION: "teacher",
    Kind.ERASURE: "director",
    Kind.CONSENT: "teacher",
    Kind.RESTRICTION: "director",
    Kind.OBJECTION: "director",
}


class NotAllowed(Exception):
    """The person acting may not see or do this (another family's child or case)."""


class NotPossibleNow(Exception):
    """The case is no longer in a state where this can be done."""


class InvalidText(ValueError):
    """Free text that is empty, holds control characters, or is longer than MAX_TEXT."""


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    school_id: int
    number: str
    kind: Kind
    status: Status
    student_id: int
    guardian_id: int
    received_at: datetime
    due_on: date
    extended_due_on: date | None
    assignee_role: str
    assignee_staff_id: int | None
    details: dict[str, Any]
    text: str | None

    @property
    def due(self) -> date:
        """The date the school must answer by: the extended one when it was extended."""
        return self.extended_due_on or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in (Status.SUBMITTED, Status.IN_PROGRESS)

    @property
    def in_effect_at_once(self) -> bool:
        """A photo-consent change took effect when the parent confirmed it."""
        return self.kind == Kind.CONSENT

    @property
    def parent_awaits_answer(self) -> bool:
        """Open, and a request the school still has to answer (a consent change is not)."""
        return self.is_open and not self.in_effect_at_once

    @property
    def can_withdraw(self) -> bool:
        """Only before anyone picked it up; a consent change took effect when it was made."""
        return self.status == Status.SUBMITTED and self.kind != Kind.CONSENT


def _due_on(kind: Kind, received_at: datetime, school: SchoolConfig) -> date:
    """A request: one calendar month (AVG art. 12(3)). A photo-consent change took effect
    when the parent confirmed it; acting on it is a task of a few school days."""
    if kind == Kind.CONSENT:
        return school_days_after(
            received_at, school.tz, school.consent_task_school_days, school.holiday_periods
        )
    return due_date(received_at, school.tz)


def case_number(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"


class TextProblem(StrEnum):
    EMPTY = "empty"
    """Nothing but spaces and invisible characters (such as U+200B or U+FEFF)."""
    TOO_LONG = "too_long"
    CONTROL = "control"
    """Control characters (such as NUL) that cannot be kept: refused, never removed silently."""


_KEPT_CONTROLS = frozenset("\n\t")
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def clean_text(text: str) -> str:
    """What a parent typed with its line breaks normalised and the spaces around it
    removed; nothing inside it is changed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def text_problem(text: str) -> TextProblem | None:
    """Why a request's text cannot be taken as typed, or None when it can."""
    cleaned = clean_text(text)
    if any(unicodedata.category(c) == "Cc" and c not in _KEPT_CONTROLS for c in cleaned):
        return TextProblem.CONTROL
    if all(c.isspace() or unicodedata.category(c) in _BLANK_CATEGORIES for c in cleaned):
        return TextProblem.EMPTY
    if len(cleaned) > MAX_TEXT:
        return TextProblem.TOO_LONG
    return None


def valid_text(text: str) -> str:
    """The cleaned text, or InvalidText: a request's text is never silently cut or changed."""
    problem = text_problem(text)
    if problem is not None:
        raise InvalidText(problem.value)
    return clean_text(text)


@dataclass(frozen=True, slots=True)
class Actor:
    """The Telegram account acting as a parent, and the guardian records it is linked to."""

    telegram_user_id: int
    guardian_ids: tuple[int, ...]


class Cases:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
        kick: Callable[[], None] = lambda: None,
    ) -> None:
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._schools = schools
        self.kick = kick

    def _text_context(self, case_id: int) -> str:
        return f"case:{case_id}:text"

    def _case(self, row: CaseRow) -> Case:
        text = (
            self._cipher.decrypt_text(row.free_text, self._text_context(row.id))
            if row.free_text is not None
            else None
        )
        return Case(
            id=row.id,
            school_id=row.school_id,
            number=case_number(row.year, row.seq),
            kind=Kind(row.kind),
            status=Status(row.status),
            student_id=row.student_id,
            guardian_id=row.guardian_id,
            received_at=from_db(row.received_at),
            due_on=date.fromisoformat(row.due_on),
            extended_due_on=(
                date.fromisoformat(row.extended_due_on) if row.extended_due_on else None
            ),
            assignee_role=row.assignee_role,
            assignee_staff_id=row.assignee_staff_id,
            details=json.loads(row.details),
            text=text,
        )

    async def guardian_for(self, conn: Connection, actor: Actor, student_id: int) -> int:
        """The actor's guardian record linked to this student, or NotAllowed."""
        linked = set(await people.guardians_of(conn, student_id)) & set(actor.guardian_ids)
        if not linked:
            raise NotAllowed(f"student {student_id} is not linked to this account")
        return min(linked)

    async def record(
        self,
        conn: Connection,
        actor: Actor,
        action: str,
        *,
        school_id: int,
        subject: str,
        details: dict[str, Any],
    ) -> None:
        """An audit event for something a parent did, under their pseudonym."""
        await audit.record(
            conn,
            self._keys.audit,
            self._clock.now(),
            actor=self._keys.pseudonym("tg", actor.telegram_user_id),
            action=action,
            school_id=school_id,
            subject=subject,
            details=details,
        )

    async def _route(
        self, conn: Connection, kind: Kind, student: Student
    ) -> tuple[str, int | None, list[int]]:
        """(role, assignee, staff to alert): the group's teacher, else the director."""
        if ROUTES[kind] == "teacher" and student.group_id is not None:
            teachers = await staff.teachers_of_group(conn, student.group_id)
            reachable = [t for t in teachers if await case_work.reachable(conn, t)]
            if reachable:
                return "teacher", reachable[0], teachers
        directors = await staff.directors(conn, student.school_id)
        linked = [d for d in directors if await case_work.reachable(conn, d)]
        chosen = linked or directors
        return "director", (chosen[0] if chosen else None), directors

    async def create_in(
        self,
        conn: Connection,
        actor: Actor,
        *,
        student_id: int,
        kind: Kind,
        details: dict[str, Any],
        text: str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        """Submit a case inside the caller's unit of work (consent changes use this).

        With an idempotency key that a case already carries, that case is returned and
        nothing is written: a request confirmed twice (a double tap, or again after a
        crash) is one case."""
        if idempotency_key is not None:
            existing = await self.by_key(conn, actor, idempotency_key)
            if existing is not None:
                return existing
        guardian_id = await self.guardian_for(conn, actor, student_id)
        student = await people.student(conn, student_id)
        assert student is not None
        case, alert_staff = await self._open(
            conn, student, guardian_id, kind, details, text, idempotency_key, "guardian"
        )
        await self.record(
            conn,
            actor,
            "case.submitted",
            school_id=student.school_id,
            subject=f"case:{case.id}",
            details={
                "kind": kind.value,
                "number": case.number,
                "assignee_role": case.assignee_role,
            },
        )
        await self._alert(conn, case, student, alert_staff)
        return case

    async def open_for_school_in(
        self,
        conn: Connection,
        *,
        student: Student,
        guardian_id: int,
        kind: Kind,
        details: dict[str, Any],
        reason: str,
    ) -> Case:
        """A case the school must act on without a parent asking (a pupil who left), inside
        the caller's unit of work: routed, timed and alerted like a parent's request; the
        parent does not see it (see :func:`opened_by_school`)."""
        case, alert_staff = await self._open(
            conn, student, guardian_id, kind, {**details, OPENED_BY: reason}, None, None, "system"
        )
        await audit.record(
            conn,
            self._keys.audit,
            self._clock.now(),
            actor="cli",
            action="case.opened",
            school_id=student.school_id,
            subject=f"case:{case.id}",
            details={"kind": kind.value, "number": case.number, "reason": reason},
        )
        await self._alert(conn, case, student, alert_staff)
        return case

    async def _open(
        self,
        conn: Connection,
        student: Student,
        guardian_id: int,
        kind: Kind,
        details: dict[str, Any],
        text: str | None,
        idempotency_key: str | None,
        actor_role: str,
    ) -> tuple[Case, list[int]]:
        """Insert the case, routed and with its due date; (the case, staff to alert)."""
        school = self._schools[student.school_id]
        now = self._clock.now()
        year = now.astimezone(school.tz).year
        seq = await cases.next_seq(conn, student.school_id, year)
        role, assignee, alert_staff = await self._route(conn, kind, student)
        case_id = await cases.insert(
            conn,
            school_id=student.school_id,
            year=year,
            seq=seq,
            kind=kind.value,
            student_id=student.id,
            guardian_id=guardian_id,
            received_at=to_db(now),
            due_on=_due_on(kind, now, school).isoformat(),
            assignee_role=role,
            assignee_staff_id=assignee,
            details=json.dumps(details, sort_keys=True),
            idempotency_key=idempotency_key,
        )
        if text is not None:
            blob = self._cipher.encrypt_text(valid_text(text), self._text_context(case_id))
            await cases.set_free_text(conn, case_id, blob)
        await cases.add_event(conn, case_id, to_db(now), actor_role, Status.SUBMITTED.value)
        row = await cases.get(conn, case_id)
        assert row is not None
        return self._case(row), alert_staff

    async def _alert(
        self, conn: Connection, case: Case, student: Student, alert_staff: list[int]
    ) -> None:
        school = self._schools[student.school_id]
        recipients = await self._staff_recipients(
            conn, case.assignee_role, alert_staff, student.school_id
        )
        await self._notify(conn, recipients, case, lambda: new_case_alert(case, student, school))

    async def _staff_recipients(
        self, conn: Connection, role: str, staff_ids: list[int], school_id: int
    ) -> list[Recipient]:
        """The chats of the staff concerned; the director's when no teacher uses the bot."""
        recipients = await accounts.recipients(conn, staff_ids=staff_ids)
        if not recipients and role == "teacher":
            directors = await staff.directors(conn, school_id)
            recipients = await accounts.recipients(conn, staff_ids=directors)
        return recipients

    async def _notify(
        self, conn: Connection, recipients: list[Recipient], case: Case, render: Callable[[], str]
    ) -> None:
        """A notice about ``case`` to staff, with the button that opens it."""
        await outbox.enqueue_each(
            conn,
            self._cipher,
            self._clock.now(),
            recipients,
            render,
            school_id=case.school_id,
            case_id=case.id,
            button=lambda: open_case_button(case.id, case.number),
        )

    async def submit(
        self,
        actor: Actor,
        *,
        student_id: int,
        kind: Kind,
        details: dict[str, Any],
        text: str | None = None,
        idempotency_key: str | None = None,
    ) -> Case:
        async with self._db.transaction() as conn:
            case = await self.create_in(
                conn,
                actor,
                student_id=student_id,
                kind=kind,
                details=details,
                text=text,
                idempotency_key=idempotency_key,
            )
        self.kick()
        return case

    async def by_key(self, conn: Connection, actor: Actor, key: str) -> Case | None:
        row = await cases.by_idempotency_key(conn, key)
        if row is None:
            return None
        if row.guardian_id not in actor.guardian_ids:
            raise NotAllowed("idempotency key of another account")
        return self._case(row)

    async def submitted_with(self, actor: Actor, idempotency_key: str) -> Case | None:
        """The case this account submitted under the key, if any."""
        return await self.by_key(self._db.reader, actor, idempotency_key)

    async def visible_to(self, actor: Actor) -> list[Case]:
        rows = await cases.for_guardians(self._db.reader, list(actor.guardian_ids))
        return [case for r in rows if not opened_by_school((case := self._case(r)).details)]

    async def get(self, actor: Actor, case_id: int) -> Case:
        row = await cases.get(self._db.reader, case_id)
        if row is None or row.guardian_id not in actor.guardian_ids:
            raise NotAllowed(f"case {case_id} is not visible to this account")
        case = self._case(row)
        if opened_by_school(case.details):
            raise NotAllowed(f"case {case_id} was opened by the school")
        return case

    async def timeline(self, actor: Actor, case_id: int) -> list[CaseEvent]:
        await self.get(actor, case_id)
        return await cases.events(self._db.reader, case_id)

    async def withdraw(self, actor: Actor, case_id: int) -> Case:
        """A parent withdraws their own request, only before anyone has picked it up."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            row = await cases.get(conn, case_id)
            if row is None or row.guardian_id not in actor.guardian_ids:
                raise NotAllowed(f"case {case_id} is not visible to this account")
            case = self._case(row)
            if not case.can_withdraw or not await cases.set_status(
                conn, case_id, Status.WITHDRAWN, Status.SUBMITTED, to_db(now)
            ):
                raise NotPossibleNow(f"case {case_id} is {row.kind}, {row.status}")
            case = replace(case, status=Status.WITHDRAWN)
            await cases.add_event(conn, case_id, to_db(now), "guardian", Status.WITHDRAWN.value)
            await self.record(
                conn,
                actor,
                "case.withdrawn",
                school_id=case.school_id,
                subject=f"case:{case_id}",
                details={"number": case.number},
            )
            student = await people.student(conn, case.student_id)
            assert student is not None
            # The stored assignee (after an escalation or assignment), not a fresh route.
            assigned = [case.assignee_staff_id] if case.assignee_staff_id is not None else []
            recipients = await self._staff_recipients(
                conn, case.assignee_role, assigned, case.school_id
            )
            await self._notify(
                conn, recipients, case, lambda: case_withdrawn_notice(case, student)
            )
        self.kick()
        return case
