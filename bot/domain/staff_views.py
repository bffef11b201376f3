"""What staff screens read: a case with its timeline, notes and documents; the queue;
counts for the privacy officer; and what a parent sees of the outcome."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain.model import CaseEvent, Change, Kind, Refused, Role, Status, case_number
from bot.domain.staff_base import (
    CaseView,
    Document,
    QueueCase,
    QueueLine,
    StaffActor,
    StaffBase,
    extension_reasons,
    parse_number,
    recipients_to_inform,
    requester_on_roster,
)
from bot.domain.transitions import (
    allowed_actions,
    may_extend,
    may_lift,
    may_see,
)
from bot.security import contexts
from storage import case_work, cases, outbox, people, staff
from storage.db import from_db


class StaffViews(StaffBase):
    # --- reading ------------------------------------------------------------------------

    async def find(self, who: StaffActor, number: str) -> int | None:
        parsed = parse_number(number)
        if parsed is None:
            return None
        conn = self._db.reader
        for member, _acting in await self.members(conn, who):
            found = await cases.find_by_number(conn, member.school_id, *parsed)
            if found is not None:
                return found
        return None

    async def view(self, who: StaffActor, case_id: int) -> CaseView:
        conn = self._db.reader
        try:
            ctx = await self._load(conn, who, case_id)
        except Refused as exc:
            await self.refusal(who, "view", case_id, exc.reason)
            raise
        case, school = ctx.case, ctx.school
        names: dict[int, str] = {}

        async def name(staff_id: int | None) -> str | None:
            if staff_id is None:
                return None
            if staff_id not in names and (m := await staff.get(conn, staff_id)):
                names[staff_id] = m.name
            return names.get(staff_id)

        timeline = [
            Change(
                CaseEvent(e.event),
                Role(e.actor_role),
                await name(e.staff_id),
                from_db(e.at),
                e.subject,
            )
            for e in await cases.events(conn, case_id)
        ]
        notes = [
            (
                Change(CaseEvent.NOTE_ADDED, None, await name(n.staff_id), from_db(n.at)),
                self._decrypt(contexts.case_note(case_id, n.id), n.body) or "",
            )
            for n in await case_work.notes(conn, case_id)
        ]
        documents = [
            Document(
                a.kind,
                a.file_id,
                self._decrypt(contexts.case_file_name(case_id, a.id), a.file_name),
                a.received_at is not None,
            )
            for a in await case_work.attachments(conn, case_id)
        ]
        stored = await cases.outcome(conn, case_id)
        details = json.loads(stored.details)
        guardian = await people.guardian(conn, case.guardian_id)
        to_inform = recipients_to_inform(case, school, stored.outcome, details.get("kept", []))
        informed = await case_work.informed(conn, case_id)
        undelivered = await outbox.undeliverable_for_case(conn, case_id)
        return CaseView(
            lifted_on=date.fromisoformat(stored.lifted_on) if stored.lifted_on else None,
            lift_reason=self._decrypt(contexts.case_lift(case_id), stored.lift_message),
            undelivered=undelivered,
            requester_on_roster=await requester_on_roster(conn, case),
            case=case,
            student=ctx.student,
            guardian_name=guardian.name if guardian else "",
            guardian_email=guardian.email if guardian else "",
            assignee_name=await name(case.assignee_staff_id),
            timeline=timeline,
            notes=notes,
            documents=documents,
            outcome=stored.outcome,
            outcome_message=self._decrypt(contexts.case_outcome(case_id), stored.message),
            outcome_details=details,
            extension_reasons=extension_reasons(
                self._decrypt(contexts.case_extension(case_id), stored.extension_reason)
            ),
            actions=allowed_actions(
                ctx.acting,
                case.status,
                school_id=case.school_id,
                group_id=ctx.student.group_id,
                kind=case.kind,
                extendable=may_extend(
                    case, school.tz, self._clock.now().astimezone(school.tz).date()
                ),
                liftable=may_lift(case.kind, stored.outcome, stored.lifted_on),
            ),
            to_inform=[r for r in to_inform if r not in informed],
            informed=informed,
        )

    async def queue(self, who: StaffActor, scope: str = "mine") -> list[QueueLine]:
        """Open cases: 'mine' (assigned to me, or of my groups for a teacher), 'all',
        'overdue' or a kind (the director's filters). Overdue first, then by due date."""
        conn = self._db.reader
        lines: list[QueueLine] = []
        for member, acting in await self.members(conn, who):
            if acting.role == Role.PRIVACY_OFFICER:
                continue
            school = self._schools[member.school_id]
            today = self._clock.now().astimezone(school.tz).date()
            for found in await cases.open_for_school(conn, member.school_id):
                row = found.case
                if not may_see(acting, row.school_id, found.group_id):
                    continue
                case = QueueCase(
                    row.id,
                    case_number(row.year, row.seq),
                    Kind(row.kind),
                    Status(row.status),
                    date.fromisoformat(row.extended_due_on or row.due_on),
                    row.assignee_staff_id,
                )
                mine = case.assignee_staff_id == member.id or acting.role == Role.TEACHER
                days = (case.due - today).days
                if scope == "mine" and not mine:
                    continue
                if scope == "overdue" and days >= 0:
                    continue
                if scope not in ("mine", "all", "overdue") and case.kind.value != scope:
                    continue
                lines.append(QueueLine(case, found.first_name, found.group_name, days))
        lines.sort(key=lambda q: (q.days_left >= 0, q.case.due, q.case.id))
        return lines

    async def counts(self, who: StaffActor) -> dict[str, dict[tuple[str, str], int]] | None:
        """For the privacy officer: per school, how many cases of each kind and status."""
        conn = self._db.reader
        found = await self.members(conn, who)
        if not any(a.role == Role.PRIVACY_OFFICER for _m, a in found):
            return None
        return {
            self._schools[m.school_id].name: await cases.counts(conn, m.school_id)
            for m, a in found
            if a.role == Role.PRIVACY_OFFICER
        }

    async def documents(self, case_id: int) -> list[Document]:
        conn = self._db.reader
        return [
            Document(
                a.kind,
                a.file_id,
                self._decrypt(contexts.case_file_name(case_id, a.id), a.file_name),
                a.received_at is not None,
            )
            for a in await case_work.attachments(conn, case_id)
            if a.delivered_at is not None
        ]

    async def outcome(self, case_id: int) -> tuple[str | None, str | None, dict[str, Any]]:
        """The outcome, the school's message and the outcome's details; for a restriction
        being lifted, ``lifted_on`` and ``lift_reason`` among the details."""
        stored = await cases.outcome(self._db.reader, case_id)
        details = json.loads(stored.details)
        if stored.lifted_on:
            details["lifted_on"] = stored.lifted_on
            details["lift_reason"] = self._decrypt(
                contexts.case_lift(case_id), stored.lift_message
            )
        return (
            stored.outcome,
            self._decrypt(contexts.case_outcome(case_id), stored.message),
            details,
        )

    async def assignable(self, school_id: int) -> list[tuple[int, str, str]]:
        """Teachers and directors of the school who use the bot: (id, name, role)."""
        conn = self._db.reader
        return [
            member
            for member in await staff.school_staff(conn, school_id)
            if await staff.reachable(conn, member[0])
        ]
