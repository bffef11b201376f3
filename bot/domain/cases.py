"""Privacy requests as cases: who they go to, when they are due, and who may do what.

Every transition is a method here that checks who may perform it, writes the case
timeline and an audit event, and queues the notifications, all in one unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot import outbox
from bot.clock import Clock
from bot.domain.case_details import OPENED_BY, category_keys, opened_by_school
from bot.domain.deadlines import due_date, school_days_after
from bot.domain.dossier_copy import Delivery, delivery_of
from bot.domain.free_text import valid_text
from bot.domain.model import (
    PARENT_EVENTS,
    Actor,
    Case,
    CaseEvent,
    Change,
    Kind,
    RefusalReason,
    Refused,
    Role,
    Status,
    case_number,
)
from bot.domain.objection import rests_on_consent
from bot.domain.routing import route
from bot.domain.texts.for_staff import case_withdrawn_notice, new_case_alert, open_case_button
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security import audit, contexts
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import accounts, cases, people, staff
from storage.accounts import Recipient
from storage.cases import CaseRow
from storage.db import Connection, Database, from_db, to_db
from storage.people import Student


def _due_on(kind: Kind, received_at: datetime, school: SchoolConfig) -> date:
    """A request: one calendar month (AVG art. 12(3)). A photo-consent change took effect
    when the parent confirmed it; acting on it is a task of a few school days."""
    if kind == Kind.CONSENT:
        return school_days_after(
            received_at, school.tz, school.consent_task_school_days, school.holiday_periods
        )
    return due_date(received_at, school.tz)


class Cases:
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

    def from_row(self, row: CaseRow) -> Case:
        """A stored case as the domain reads it (its text decrypted)."""
        text = (
            self._cipher.decrypt_text(row.free_text, contexts.case_text(row.id))
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
            assignee_role=Role(row.assignee_role),
            assignee_staff_id=row.assignee_staff_id,
            details=json.loads(row.details),
            text=text,
        )

    async def guardian_for(self, conn: Connection, actor: Actor, student_id: int) -> int:
        """The actor's guardian record linked to this student, or Refused."""
        linked = set(await people.guardians_of(conn, student_id)) & set(actor.guardian_ids)
        if not linked:
            raise Refused(RefusalReason.NOT_ALLOWED)
        return min(linked)

    async def record(
        self,
        conn: Connection,
        actor: Actor,
        action: AuditAction,
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
        if kind == Kind.OBJECTION and any(
            (c := self._schools[student.school_id].category(k)) is not None and rests_on_consent(c)
            for k in category_keys(details)
        ):
            raise Refused(RefusalReason.INVALID)  # withdraw the consent instead
        if kind == Kind.ACCESS and delivery_of(details) == Delivery.EMAIL:
            guardian = await people.guardian(conn, guardian_id)
            if guardian is None or not guardian.email:
                raise Refused(RefusalReason.INVALID)  # the school has no address to send to
        case, alerted = await self._open(
            conn, student, guardian_id, kind, details, text, idempotency_key, Role.GUARDIAN
        )
        await self.record(
            conn,
            actor,
            AuditAction.CASE_SUBMITTED,
            school_id=student.school_id,
            subject=f"case:{case.id}",
            details={
                "kind": kind.value,
                "number": case.number,
                "assignee_role": case.assignee_role,
            },
        )
        await self._alert(conn, case, student, alerted)
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
        case, alerted = await self._open(
            conn,
            student,
            guardian_id,
            kind,
            {**details, OPENED_BY: reason},
            None,
            None,
            Role.SYSTEM,
        )
        await audit.record(
            conn,
            self._keys.audit,
            self._clock.now(),
            actor="cli",
            action=AuditAction.CASE_OPENED,
            school_id=student.school_id,
            subject=f"case:{case.id}",
            details={"kind": kind.value, "number": case.number, "reason": reason},
        )
        await self._alert(conn, case, student, alerted)
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
        actor_role: Role,
    ) -> tuple[Case, list[int]]:
        """Insert the case, routed and with its due date; (the case, staff to alert)."""
        school = self._schools[student.school_id]
        now = self._clock.now()
        year = now.astimezone(school.tz).year
        seq = await cases.next_seq(conn, student.school_id, year)
        routed = await route(conn, kind, student)
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
            assignee_role=routed.role,
            assignee_staff_id=routed.assignee,
            details=json.dumps(details, sort_keys=True),
            idempotency_key=idempotency_key,
        )
        if text is not None:
            blob = self._cipher.encrypt_text(valid_text(text), contexts.case_text(case_id))
            await cases.set_free_text(conn, case_id, blob)
        await cases.add_event(conn, case_id, to_db(now), actor_role, CaseEvent.SUBMITTED)
        row = await cases.get(conn, case_id)
        assert row is not None
        return self.from_row(row), routed.alerted

    async def _alert(
        self, conn: Connection, case: Case, student: Student, alerted: list[int]
    ) -> None:
        school = self._schools[student.school_id]
        recipients = await self._staff_recipients(
            conn, case.assignee_role, alerted, student.school_id
        )
        await self._notify(conn, recipients, case, lambda: new_case_alert(case, student, school))

    async def _staff_recipients(
        self, conn: Connection, role: str, staff_ids: list[int], school_id: int
    ) -> list[Recipient]:
        """The chats of the staff concerned; the director's when no teacher uses the bot."""
        recipients = await accounts.recipients(conn, staff_ids=staff_ids)
        if not recipients and role == Role.TEACHER:
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
        self.bell.ring()
        return case

    async def by_key(self, conn: Connection, actor: Actor, key: str) -> Case | None:
        row = await cases.by_idempotency_key(conn, key)
        if row is None:
            return None
        if row.guardian_id not in actor.guardian_ids:
            raise Refused(RefusalReason.NOT_ALLOWED)
        return self.from_row(row)

    async def submitted_with(self, actor: Actor, idempotency_key: str) -> Case | None:
        """The case this account submitted under the key, if any."""
        return await self.by_key(self._db.reader, actor, idempotency_key)

    async def visible_to(self, actor: Actor) -> list[Case]:
        rows = await cases.for_guardians(self._db.reader, list(actor.guardian_ids))
        return [case for r in rows if not opened_by_school((case := self.from_row(r)).details)]

    async def get(self, actor: Actor, case_id: int) -> Case:
        row = await cases.get(self._db.reader, case_id)
        if row is None or row.guardian_id not in actor.guardian_ids:
            raise Refused(RefusalReason.NOT_ALLOWED)
        case = self.from_row(row)
        if opened_by_school(case.details):
            raise Refused(RefusalReason.NOT_ALLOWED)
        return case

    async def timeline(self, actor: Actor, case_id: int) -> list[Change]:
        """The case's timeline as its parent may read it: what, by which role, when."""
        await self.get(actor, case_id)
        return [
            Change(CaseEvent(e.event), Role(e.actor_role), None, from_db(e.at), e.subject)
            for e in await cases.events(self._db.reader, case_id)
            if e.event in PARENT_EVENTS
        ]

    async def withdraw(self, actor: Actor, case_id: int) -> Case:
        """A parent withdraws their own request, only before anyone has picked it up."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            row = await cases.get(conn, case_id)
            if row is None or row.guardian_id not in actor.guardian_ids:
                raise Refused(RefusalReason.NOT_ALLOWED)
            case = self.from_row(row)
            if not case.can_withdraw or not await cases.change_status(
                conn,
                case_id,
                expected=Status.SUBMITTED,
                status=Status.WITHDRAWN,
                closed_at=to_db(now),
            ):
                raise Refused(RefusalReason.NOT_POSSIBLE)
            case = replace(case, status=Status.WITHDRAWN)
            await cases.add_event(conn, case_id, to_db(now), Role.GUARDIAN, CaseEvent.WITHDRAWN)
            await self.record(
                conn,
                actor,
                AuditAction.CASE_WITHDRAWN,
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
        self.bell.ring()
        return case
