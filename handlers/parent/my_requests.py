"""'My requests': the parent's cases, each with its timeline; withdrawing one."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, Message, Update

from bot.domain.document_resends import Queued, StillSending, TooSoon
from bot.domain.dossier_copy import delivery_of
from bot.domain.model import LESS_THAN_ASKED, Case, Kind, RefusalReason, Refused, Status
from bot.domain.texts.for_parents import (
    delivery_label,
    ground_line,
    kept_lines,
    lifted_line,
    rights_lines,
)
from bot.domain.texts.labels import (
    about_line,
    change_label,
    consent_change_label,
    kind_label,
    outcome_label,
    parent_event_label,
    parent_kind_label,
    parent_status_label,
)
from bot.i18n import _, current_language, format_date, ngettext
from bot.schools.config import SchoolConfig
from handlers.buttons import Everyone, ForCase, NoArgs, Parent
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.parent.common import actor, parent, refuse
from handlers.render import esc
from handlers.texts import wait_text
from storage.people import guardian


async def overview(update: Update, context: BotContext, _args: NoArgs) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    cases = await context.services.cases.visible_to(actor(profile))
    names = {c.id: c.first_name for c in profile.children}
    user = profile.telegram_user_id
    rows: list[list[InlineKeyboardButton]] = []
    lines = [_("<b>My requests</b>")]
    if not cases:
        lines.append(_("You have not made any requests yet."))
    if any(c.in_effect_at_once for c in cases):
        lines.append(
            _(
                "A photo consent change is not a request: it applied when you confirmed it, "
                "and the teacher's task is its follow-up."
            )
        )
    for case in cases:
        child = names.get(case.student_id, "")
        lines.append(
            f"• {esc(case.number)} · {parent_kind_label(case.kind)} · {esc(child)} · "
            f"{parent_status_label(case.kind, case.status)}"
            + (
                " · " + _("answer by {due}").format(due=format_date(case.due))
                if case.parent_awaits_answer
                else ""
            )
        )
        rows.append(
            [
                context.button(
                    user,
                    f"{case.number} · {parent_kind_label(case.kind)} · {child}",
                    Parent.REQUEST(case.id),
                )
            ]
        )
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(update, context, "\n".join(lines), rows)


def _details(case: Case, context: BotContext, email: str) -> list[str]:
    school = context.services.school_by_id[case.school_id]
    language = current_language()
    about = about_line(school, case.details)
    lines = [about] if about else []
    for key in sorted(case.details.get("changes", {})):
        purpose = school.consent_purpose(key)
        label = esc(purpose.label.get(language) if purpose else key)
        lines.append(f"• {label}: {consent_change_label(case.details, key)}")
    if case.kind == Kind.ACCESS:
        lines.append(
            _("How you receive it: {how}.").format(
                how=delivery_label(delivery_of(case.details), email)
            )
        )
    if case.text:
        lines += [_("Your text:"), f"<blockquote>{esc(case.text)}</blockquote>"]
    return lines


async def detail(update: Update, context: BotContext, args: ForCase) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    services = context.services
    try:
        case = await services.cases.get(actor(profile), args.case)
        events = await services.cases.timeline(actor(profile), case.id)
    except Refused:
        await refuse(update, context, "not_their_case")
        return
    school = services.school_by_id[case.school_id]
    child = next((c for c in profile.children if c.id == case.student_id), None)
    lines = (
        [_("<b>Photo consent change {number}</b>").format(number=esc(case.number))]
        if case.in_effect_at_once
        else [
            _("<b>Request {number}</b>").format(number=esc(case.number)),
            _("Request: {kind}").format(kind=kind_label(case.kind)),
        ]
    )
    if child is not None:
        lines.append(
            _("Child: {child}").format(child=esc(f"{child.first_name} {child.last_name}"))
        )
    lines.append(_("Status: {status}").format(status=parent_status_label(case.kind, case.status)))
    if case.in_effect_at_once:
        lines.append(
            _(
                "Your change took effect on {date}, when you confirmed it. Its follow-up is "
                "a task for the teacher: {task}."
            ).format(
                date=format_date(case.received_at.astimezone(school.tz).date()),
                task=_task_status(case.status),
            )
        )
    if case.parent_awaits_answer:
        lines.append(
            _("The school will answer by {due} at the latest.").format(
                due=format_date(case.due, "full")
            )
        )
    requester = await guardian(services.db.reader, case.guardian_id)
    lines += _details(case, context, requester.email if requester else "")
    outcome, message, details = await services.staff_views.outcome(case.id)
    documents = await services.staff_views.documents(case.id)
    lines += outcome_lines(case, school, outcome, message, details, len(documents))
    lines += ["", _("<b>History</b>")]
    lines += [
        f"• {format_date(e.at.astimezone(school.tz).date())}: "
        + (
            parent_event_label(case.kind, e.event)
            if case.in_effect_at_once
            else change_label(e, school)
        )
        for e in events
    ]
    user = profile.telegram_user_id
    rows: list[list[InlineKeyboardButton]] = []
    if documents and not all(d.received for d in documents):
        rows.append(
            [context.button(user, _("I received the documents"), Parent.RECEIVED(case.id))]
        )
    if documents:
        rows.append(
            [context.button(user, _("Send the documents again"), Parent.RESEND_DOCUMENTS(case.id))]
        )
    if case.can_withdraw:
        rows.append([context.button(user, _("Withdraw this request"), Parent.WITHDRAW(case.id))])
    rows.append([context.button(user, _("« My requests"), Parent.MY_REQUESTS())])
    await show(update, context, "\n".join(lines), rows)


def _task_status(status: str) -> str:
    """Where the teacher's task after a photo-consent change is."""
    if status == "submitted":
        return _("not picked up yet")
    if status == "in_progress":
        return _("being handled")
    return _("done")


async def confirm_withdraw(update: Update, context: BotContext, args: ForCase) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    try:
        case = await context.services.cases.get(actor(profile), args.case)
    except Refused:
        await refuse(update, context, "not_their_case")
        return
    user = profile.telegram_user_id
    await show(
        update,
        context,
        _("Withdraw request {number}? The school will then stop working on it.").format(
            number=esc(case.number)
        ),
        [
            [context.button(user, _("Yes, withdraw it"), Parent.WITHDRAW_CONFIRMED(case.id))],
            [context.button(user, _("No, keep it"), Parent.REQUEST(case.id))],
        ],
    )


async def withdraw(update: Update, context: BotContext, args: ForCase) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    user = profile.telegram_user_id
    back = [[context.button(user, _("« My requests"), Parent.MY_REQUESTS())]]
    try:
        case = await context.services.cases.withdraw(actor(profile), args.case)
    except Refused as exc:
        if exc.reason is RefusalReason.NOT_ALLOWED:
            await refuse(update, context, "not_their_case")
            return
        # A second tap on "Yes, withdraw it" finds the request withdrawn by the first.
        current = await context.services.cases.get(actor(profile), args.case)
        await show(
            update,
            context,
            _("Request {number} has already been withdrawn.").format(number=esc(current.number))
            if current.status == Status.WITHDRAWN
            else _(
                "This request can no longer be withdrawn: the school is already working on it."
            ),
            back,
        )
        return
    await show(
        update,
        context,
        _("Request {number} has been withdrawn.").format(number=esc(case.number)),
        back,
    )


def outcome_lines(
    case: Case,
    school: SchoolConfig,
    outcome: str | None,
    message: str | None,
    details: dict[str, Any],
    documents: int,
) -> list[str]:
    """The school's answer: outcome, its message, kept data or the ground, documents."""
    if outcome is None:
        return []
    # A photo-consent change applied at once: its task's status says the rest.
    lines = (
        [""]
        if case.in_effect_at_once
        else ["", _("Outcome: {outcome}").format(outcome=outcome_label(outcome))]
    )
    if line := ground_line(school, details.get("ground")):
        lines.append(line)
    if kept := details.get("kept"):
        lines.append(_("The school keeps:"))
        lines += kept_lines(school, kept, details.get("still_needed") is True)
    if message:
        label = _("Reason:") if outcome == "rejected" else _("Message from the school:")
        lines += [label, f"<blockquote>{esc(message)}</blockquote>"]
    if documents:
        lines.append(
            ngettext("{n} document delivered", "{n} documents delivered", documents).format(
                n=documents
            )
        )
    if lifted_on := details.get("lifted_on"):
        lines += [
            lifted_line(date.fromisoformat(lifted_on)),
            _("Reason:"),
            f"<blockquote>{esc(details.get('lift_reason') or '')}</blockquote>",
        ]
    if outcome == "rejected" or outcome in LESS_THAN_ASKED or lifted_on:
        lines += rights_lines(school)
    return lines


async def confirm_receipt(update: Update, context: BotContext, args: ForCase) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    await context.services.staff_cases.confirm_receipt(
        profile.telegram_user_id, profile.guardian_ids, args.case
    )
    await detail(update, context, args)


async def send_documents(update: Update, context: BotContext, args: ForCase) -> None:
    """The delivered documents once more, through the outbox (paced for this chat); one
    resend of a request at a time, and at most one a minute."""
    profile = await parent(update, context)
    if profile is None:
        return
    services = context.services
    try:
        outcome = await services.resends.request(actor(profile), args.case)
    except Refused:
        await refuse(update, context, "not_their_case")
        return
    match outcome:
        case Queued(documents):
            said = ngettext(
                "The document follows in the next message.",
                "The {n} documents follow in the next messages.",
                documents,
            ).format(n=documents)
        case StillSending():
            said = _("The documents are already on their way to you.")
        case TooSoon(until):
            said = _(
                "The documents were sent to you a moment ago. You can ask for them again {when}."
            ).format(when=wait_text(until, services.clock.now()))
    await send(update, context, said)


async def receipt_from_delivery(update: Update, context: BotContext, args: ForCase) -> None:
    """The button under a delivered document: recorded once, then the button goes."""
    profile = await parent(update, context)
    query = update.callback_query
    if profile is None or query is None:
        return
    recorded = await context.services.staff_cases.confirm_receipt(
        profile.telegram_user_id, profile.guardian_ids, args.case
    )
    message = query.message
    if isinstance(message, Message):
        await message.edit_reply_markup(None)
    if recorded:
        await send(update, context, _("Thank you. The school can see that you received them."))
