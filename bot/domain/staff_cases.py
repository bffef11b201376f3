"""Staff acting on cases: take, note, extend, escalate, assign, attach, resolve, reject,
and inform recipients (AVG art. 19).

Each action runs in one unit of work that checks the transition table and the permission
(bot.domain.transitions) before its conditional write, adds one case event naming the
staff member, one audit event, and queues the notices. A refusal changes nothing, is
audited on its own, and says what happened instead.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from bot import outbox
from bot.domain.case_details import category_keys, opened_by_school
from bot.domain.dossier_copy import needs_document, takes_documents
from bot.domain.dossier_files import shown_name
from bot.domain.erasure import at_school, refusal_grounds, voluntary
from bot.domain.free_text import InvalidText, valid_text
from bot.domain.model import (
    DECIDED,
    HANDLING_ROLES,
    MOVES,
    Case,
    CaseEvent,
    Change,
    Kind,
    Outcome,
    RefusalReason,
    Refused,
    Role,
)
from bot.domain.outcomes import possible_outcomes
from bot.domain.routing import director_for
from bot.domain.staff_base import (
    Ctx,
    StaffActor,
    StaffBase,
    extension_reasons,
    recipients_to_inform,
    requester_on_roster,
)
from bot.domain.texts.for_parents import (
    document_caption,
    extended_notice,
    lift_notice,
    recipients_informed_notice,
    rejected_notice,
    resolved_notice,
    taken_notice,
)
from bot.domain.texts.for_staff import assigned_notice, open_case_button
from bot.domain.texts.labels import role_label
from bot.domain.transitions import (
    Action,
    lift_date,
    may_act,
    may_extend,
    may_lift,
    new_due_date,
    next_status,
)
from bot.i18n import _, current_language
from bot.outbox import Attachment
from bot.security import audit, contexts
from bot.security.audit import AuditAction
from storage import accounts, case_work, cases, people, staff
from storage.accounts import Recipient
from storage.db import Connection, from_db, to_db

MAX_NOTE = 1000
MAX_MESSAGE = 1000


class StaffCases(StaffBase):
    @asynccontextmanager
    async def _acting(self, who: StaffActor, case_id: int, action: Action) -> AsyncIterator[Ctx]:
        try:
            async with self._db.transaction() as conn:
                ctx = await self._load(conn, who, case_id)
                case = ctx.case
                if not may_act(
                    ctx.acting,
                    action,
                    school_id=case.school_id,
                    group_id=ctx.student.group_id,
                    kind=case.kind,
                ):
                    raise Refused(RefusalReason.NOT_ALLOWED, case=case)
                if next_status(case.status, action) is None:
                    raise Refused(
                        RefusalReason.NOT_POSSIBLE, case=case, last=await self._last(conn, case)
                    )
                yield ctx
        except Refused as exc:
            await self.refusal(who, action.value, case_id, exc.reason)
            raise
        self._cases.bell.ring()

    async def _last(self, conn: Connection, case: Case) -> Change | None:
        events = await cases.events(conn, case.id)
        changes = [e for e in events if e.event in MOVES]
        if not changes:
            return None
        event = changes[-1]
        name = None
        if event.staff_id is not None and (member := await staff.get(conn, event.staff_id)):
            name = member.name
        return Change(CaseEvent(event.event), Role(event.actor_role), name, from_db(event.at))

    async def _record(
        self,
        ctx: Ctx,
        who: StaffActor,
        event: str,
        details: dict[str, Any] | None = None,
        *,
        subject: str | None = None,
    ) -> None:
        """The case event naming the staff member (and what it is about) and the audit
        event: one of each."""
        now = self._clock.now()
        await cases.add_event(
            ctx.conn, ctx.case.id, to_db(now), ctx.member.role, event, ctx.member.id, subject
        )
        await audit.record(
            ctx.conn,
            self._keys.audit,
            now,
            actor=self._keys.pseudonym("tg", who.telegram_user_id),
            action=AuditAction.of_case_event(event),
            school_id=ctx.case.school_id,
            subject=f"case:{ctx.case.id}",
            details={"number": ctx.case.number, "staff": ctx.member.id, **(details or {})},
        )

    async def _move(self, ctx: Ctx, action: Action, **assignee: Any) -> Case:
        new = next_status(ctx.case.status, action)
        assert new is not None
        closed = to_db(self._clock.now()) if new in DECIDED else None
        if not await cases.change_status(
            ctx.conn,
            ctx.case.id,
            expected=ctx.case.status,
            status=new,
            closed_at=closed,
            **assignee,
        ):
            raise Refused(
                RefusalReason.NOT_POSSIBLE,
                case=ctx.case,
                last=await self._last(ctx.conn, ctx.case),
            )
        row = await cases.get(ctx.conn, ctx.case.id)
        assert row is not None
        return self._cases.from_row(row)

    async def _tell(
        self,
        conn: Connection,
        recipients: Sequence[Recipient],
        case: Case,
        render: Callable[[], str],
        attachment: Attachment | None = None,
        *,
        receipt: bool = False,
        to_staff: bool = False,
    ) -> None:
        """Queue a notice per recipient, in their language; with ``receipt``, the document
        carries the button to confirm it arrived; a notice ``to_staff`` the button that
        opens the request."""

        def document() -> Attachment:
            assert attachment is not None
            if not receipt:
                return attachment
            return replace(attachment, receipt_button=_("I received the documents"))

        await outbox.enqueue_each(
            conn,
            self._cipher,
            self._clock.now(),
            recipients,
            render,
            school_id=case.school_id,
            case_id=case.id,
            button=(lambda: open_case_button(case.id, case.number)) if to_staff else None,
            attachment=document if attachment is not None else None,
        )

    async def _parent(self, ctx: Ctx) -> list[Recipient]:
        if opened_by_school(ctx.case.details):
            return []  # no parent asked: nothing to tell them
        return await accounts.recipients(ctx.conn, guardian_ids=[ctx.case.guardian_id])

    def _who(self, ctx: Ctx) -> str:
        return (
            ctx.member.name
            if ctx.school.show_staff_names
            else role_label(ctx.member.role, definite=True)
        )

    def _text(self, text: str | None, *, required: bool, limit: int = MAX_MESSAGE) -> str | None:
        if text is None or not text.strip():
            if required:
                raise Refused(RefusalReason.INVALID)
            return None
        try:
            cleaned = valid_text(text)
        except InvalidText:
            raise Refused(RefusalReason.INVALID) from None
        if len(cleaned) > limit:
            raise Refused(RefusalReason.INVALID)
        return cleaned

    def _encrypt(self, context: str, text: str) -> bytes:
        return self._cipher.encrypt_text(text, context)

    # --- the actions --------------------------------------------------------------------

    async def take(self, who: StaffActor, case_id: int) -> Case:
        async with self._acting(who, case_id, Action.TAKE) as ctx:
            case = await self._move(
                ctx, Action.TAKE, assignee_role=ctx.member.role, assignee_staff_id=ctx.member.id
            )
            await self._record(ctx, who, CaseEvent.TAKEN)
            await self._tell(
                ctx.conn, await self._parent(ctx), case, lambda: taken_notice(case, self._who(ctx))
            )
        return case

    async def note(self, who: StaffActor, case_id: int, text: str) -> Case:
        async with self._acting(who, case_id, Action.NOTE) as ctx:
            body = self._text(text, required=True, limit=MAX_NOTE)
            assert body is not None
            note_id = await case_work.add_note(
                ctx.conn, case_id, ctx.member.id, to_db(self._clock.now())
            )
            await case_work.set_note_body(
                ctx.conn, note_id, self._encrypt(contexts.case_note(case_id, note_id), body)
            )
            await self._record(ctx, who, CaseEvent.NOTE_ADDED)
        return ctx.case

    async def extend(self, who: StaffActor, case_id: int, months: int, reason: str) -> Case:
        """Extend the answer date by ``months`` more (AVG art. 12(3)): at most two further
        months in total, counted from the day of receipt, in one step or two; each time
        before the answer date in force has passed, with a reason the parent is told."""
        async with self._acting(who, case_id, Action.EXTEND) as ctx:
            case, tz = ctx.case, ctx.school.tz
            if not may_extend(case, tz, self._clock.now().astimezone(tz).date()):
                raise Refused(RefusalReason.NOT_POSSIBLE, case=case)
            new_due = new_due_date(case, tz, months)
            if new_due is None:
                raise Refused(RefusalReason.INVALID, case=case)
            text = self._text(reason, required=True)
            assert text is not None
            stored = await cases.outcome(ctx.conn, case_id)
            reasons = extension_reasons(
                self._decrypt(contexts.case_extension(case_id), stored.extension_reason)
            )
            if not await cases.extend(
                ctx.conn,
                case_id,
                expected=case.status,
                expected_due_on=case.extended_due_on.isoformat() if case.extended_due_on else None,
                due_on=new_due.isoformat(),
                reason=self._encrypt(
                    contexts.case_extension(case_id), json.dumps({"reasons": [*reasons, text]})
                ),
            ):
                raise Refused(RefusalReason.NOT_POSSIBLE, case=case)
            await self._record(ctx, who, CaseEvent.EXTENDED, {"due_on": new_due.isoformat()})
            extended = replace(case, extended_due_on=new_due)
            await self._tell(
                ctx.conn,
                await self._parent(ctx),
                extended,
                lambda: extended_notice(extended, case.due, text),
            )
        return extended

    async def escalate(self, who: StaffActor, case_id: int) -> Case:
        async with self._acting(who, case_id, Action.ESCALATE) as ctx:
            director = await director_for(ctx.conn, ctx.case.school_id)
            if director is None:
                raise Refused(RefusalReason.NOT_POSSIBLE, case=ctx.case)
            return await self._hand_over(ctx, who, Action.ESCALATE, director, CaseEvent.ESCALATED)
        raise AssertionError  # pragma: no cover

    async def assign(self, who: StaffActor, case_id: int, staff_id: int) -> Case:
        async with self._acting(who, case_id, Action.ASSIGN) as ctx:
            target = await staff.get(ctx.conn, staff_id)
            if (
                target is None
                or target.school_id != ctx.case.school_id
                or target.role not in HANDLING_ROLES
                or not await staff.reachable(ctx.conn, staff_id)
            ):
                raise Refused(RefusalReason.INVALID, case=ctx.case)
            return await self._hand_over(ctx, who, Action.ASSIGN, staff_id, CaseEvent.ASSIGNED)
        raise AssertionError  # pragma: no cover

    async def _hand_over(
        self, ctx: Ctx, who: StaffActor, action: Action, target_id: int, event: str
    ) -> Case:
        target = await staff.get(ctx.conn, target_id)
        assert target is not None
        case = await self._move(
            ctx, action, assignee_role=target.role, assignee_staff_id=target.id
        )
        await self._record(ctx, who, event, {"to": target.id})
        by, child = ctx.member.name, ctx.student.first_name
        await self._tell(
            ctx.conn,
            await accounts.recipients(ctx.conn, staff_ids=[target.id]),
            case,
            lambda: assigned_notice(case, by, child),
            to_staff=True,
        )
        return case

    async def attach(
        self, who: StaffActor, case_id: int, kind: str, file_id: str, file_name: str | None
    ) -> int:
        """Record a document or photo for an access request; returns how many there are."""
        async with self._acting(who, case_id, Action.ATTACH) as ctx:
            if not takes_documents(ctx.case) or kind not in ("document", "photo") or not file_id:
                raise Refused(RefusalReason.INVALID, case=ctx.case)
            attachment_id = await case_work.add_attachment(
                ctx.conn, case_id, ctx.member.id, to_db(self._clock.now()), kind, file_id
            )
            if file_name and (shown := shown_name(file_name)):
                await case_work.set_attachment_name(
                    ctx.conn,
                    attachment_id,
                    self._encrypt(contexts.case_file_name(case_id, attachment_id), shown),
                )
            await self._record(ctx, who, CaseEvent.DOCUMENT_ADDED, {"kind": kind})
            return len(await case_work.attachments(ctx.conn, case_id))
        raise AssertionError  # pragma: no cover

    async def resolve(
        self,
        who: StaffActor,
        case_id: int,
        outcome: str,
        message: str | None = None,
        kept: Sequence[str] = (),
        *,
        off_roster_confirmed: bool = False,
    ) -> Case:
        """Answer and close. Documents for a requester who is no longer a guardian of the
        child on the roster go out only when the staff member confirmed that this is right
        (``off_roster_confirmed``); else REQUESTER_OFF_ROSTER, nothing changed."""
        async with self._acting(who, case_id, Action.RESOLVE) as ctx:
            case = ctx.case
            if outcome not in possible_outcomes(case, ctx.school):
                raise Refused(RefusalReason.INVALID, case=case)
            if needs_document(case) and not await case_work.attachments(ctx.conn, case_id):
                raise Refused(RefusalReason.NO_DOCUMENTS, case=case)
            if (
                not off_roster_confirmed
                and await case_work.attachments(ctx.conn, case_id)
                and not await requester_on_roster(ctx.conn, case)
            ):
                raise Refused(RefusalReason.REQUESTER_OFF_ROSTER, case=case)
            affected = category_keys(case.details)
            kept_keys = (
                [k for k in kept if k in affected] if outcome == Outcome.PARTLY_ERASED else []
            )
            if outcome == Outcome.PARTLY_ERASED and not kept_keys:
                raise Refused(RefusalReason.INVALID, case=case)
            if voluntary(ctx.school, kept_keys):
                raise Refused(RefusalReason.VOLUNTARY, case=case)
            still_needed = bool(kept_keys) and at_school(ctx.student)
            text = self._text(message, required=False)
            resolved = await self._move(ctx, Action.RESOLVE)
            await cases.set_outcome(
                ctx.conn,
                case_id,
                outcome,
                self._encrypt(contexts.case_outcome(case_id), text) if text else None,
                json.dumps(
                    {"kept": kept_keys, "still_needed": True}
                    if still_needed
                    else {"kept": kept_keys}
                ),
            )
            documents = await case_work.attachments(ctx.conn, case_id)
            await self._record(
                ctx, who, CaseEvent.RESOLVED, {"outcome": outcome, "documents": len(documents)}
            )
            parents = await self._parent(ctx)
            school = ctx.school
            guardian = await people.guardian(ctx.conn, case.guardian_id)
            email = guardian.email if guardian else ""
            await self._tell(
                ctx.conn,
                parents,
                resolved,
                lambda: resolved_notice(
                    resolved,
                    outcome,
                    text,
                    len(documents),
                    kept_keys,
                    school,
                    still_needed=still_needed,
                    email=email,
                ),
            )
            for index, doc in enumerate(documents, start=1):
                name = self._decrypt(contexts.case_file_name(case_id, doc.id), doc.file_name)
                await self._tell(
                    ctx.conn,
                    parents,
                    resolved,
                    lambda i=index: document_caption(resolved, i, len(documents)),  # type: ignore[misc]
                    Attachment(doc.kind, doc.file_id, name),
                    receipt=index == len(documents),
                )
            if documents:
                await case_work.mark_delivered(ctx.conn, case_id, to_db(self._clock.now()))
        return resolved

    async def reject(
        self, who: StaffActor, case_id: int, reason: str, ground: str | None = None
    ) -> Case:
        async with self._acting(who, case_id, Action.REJECT) as ctx:
            case, school = ctx.case, ctx.school
            if case.kind == Kind.ERASURE and ground not in refusal_grounds(school, ctx.student):
                raise Refused(RefusalReason.INVALID, case=case)
            if case.kind == Kind.ERASURE and voluntary(school, category_keys(case.details)):
                raise Refused(RefusalReason.VOLUNTARY, case=case)
            text = self._text(reason, required=True)
            assert text is not None
            rejected = await self._move(ctx, Action.REJECT)
            await cases.set_outcome(
                ctx.conn,
                case_id,
                CaseEvent.REJECTED,
                self._encrypt(contexts.case_outcome(case_id), text),
                json.dumps({"ground": ground} if ground else {}),
            )
            await self._record(ctx, who, CaseEvent.REJECTED, {"ground": ground} if ground else {})
            await self._tell(
                ctx.conn,
                await self._parent(ctx),
                rejected,
                lambda: rejected_notice(rejected, text, ground, school),
            )
        return rejected

    async def inform(
        self, who: StaffActor, case_id: int, recipient: str, *, received: bool = True
    ) -> list[str]:
        """Confirm one recipient was informed (AVG art. 19), or, with ``received`` False, that
        it never received this data; returns those still to deal with. When none is left,
        the parent is told which recipients were informed (only those)."""
        async with self._acting(who, case_id, Action.INFORM) as ctx:
            case, school = ctx.case, ctx.school
            stored = await cases.outcome(ctx.conn, case_id)
            kept = json.loads(stored.details).get("kept", [])
            needed = recipients_to_inform(case, school, stored.outcome, kept)
            if recipient not in needed:
                raise Refused(RefusalReason.INVALID, case=case)
            if not await case_work.confirm_informed(
                ctx.conn, case_id, recipient, ctx.member.id, to_db(self._clock.now()), received
            ):
                raise Refused(RefusalReason.NOT_POSSIBLE, case=case)
            event = (
                CaseEvent.RECIPIENT_INFORMED if received else CaseEvent.RECIPIENT_NOT_APPLICABLE
            )
            await self._record(ctx, who, event, {"recipient": recipient}, subject=recipient)
            done = dict(await case_work.recipients_done(ctx.conn, case_id))
            left = [r for r in needed if r not in done]
            if not left:
                informed = [r for r in needed if done.get(r)]

                def render() -> str:
                    names = [
                        found.name.get(current_language())
                        for key in informed
                        if (found := school.recipient(key)) is not None
                    ]
                    return recipients_informed_notice(case, names)

                await self._tell(ctx.conn, await self._parent(ctx), case, render)
            return left
        raise AssertionError  # pragma: no cover

    async def lift(self, who: StaffActor, case_id: int, reason: str) -> Case:
        """Lift a granted restriction (AVG art. 18(3)): it ends LIFT_NOTICE_DAYS from today,
        and the parent is told now, before it ends, with the reason and their rights."""
        async with self._acting(who, case_id, Action.LIFT) as ctx:
            case, school = ctx.case, ctx.school
            stored = await cases.outcome(ctx.conn, case_id)
            if not may_lift(case.kind, stored.outcome, stored.lifted_on):
                raise Refused(RefusalReason.NOT_POSSIBLE, case=case)
            text = self._text(reason, required=True)
            assert text is not None
            ends = lift_date(self._clock.now().astimezone(school.tz).date())
            if not await cases.lift(
                ctx.conn,
                case_id,
                ends.isoformat(),
                self._encrypt(contexts.case_lift(case_id), text),
            ):
                raise Refused(RefusalReason.NOT_POSSIBLE, case=case)
            await self._record(
                ctx, who, CaseEvent.RESTRICTION_LIFTED, {"lifted_on": ends.isoformat()}
            )
            await self._tell(
                ctx.conn,
                await self._parent(ctx),
                case,
                lambda: lift_notice(case, ends, text, school),
            )
        return case

    async def confirm_receipt(
        self, telegram_user_id: int, guardian_ids: Sequence[int], case_id: int
    ) -> bool:
        """The parent confirms the documents arrived (recorded once)."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            row = await cases.get(conn, case_id)
            if row is None or row.guardian_id not in guardian_ids:
                return False
            if not await case_work.mark_received(conn, case_id, to_db(now)):
                return False
            await cases.add_event(
                conn, case_id, to_db(now), Role.GUARDIAN, CaseEvent.DOCUMENTS_RECEIVED, None
            )
            await audit.record(
                conn,
                self._keys.audit,
                now,
                actor=self._keys.pseudonym("tg", telegram_user_id),
                action=AuditAction.CASE_DOCUMENTS_RECEIVED,
                school_id=row.school_id,
                subject=f"case:{case_id}",
            )
        return True
