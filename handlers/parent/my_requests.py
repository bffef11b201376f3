"""'My requests': the parent's cases, each with its timeline; withdrawing one."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Message, Update

from bot.domain.document_resends import Queued, StillSending, TooSoon
from bot.domain.model import Case, RefusalReason, Refused, Status
from bot.domain.texts.for_parents import rights_lines
from bot.domain.texts.labels import (
    about_line,
    event_label,
    kind_label,
    outcome_label,
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
    for case in cases:
        child = names.get(case.student_id, "")
        lines.append(
            f"• {esc(case.number)} · {kind_label(case.kind)} · {esc(child)} · "
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
                    f"{case.number} · {kind_label(case.kind)} · {child}",
                    Parent.REQUEST(case.id),
                )
            ]
        )
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(update, context, "\n".join(lines), rows)


def _details(case: Case, context: BotContext) -> list[str]:
    school = context.services.school_by_id[case.school_id]
    language = current_language()
    about = about_line(school, case.details)
    lines = [about] if about else []
    for key, granted in sorted(case.details.get("changes", {}).items()):
        purpose = school.consent_purpose(key)
        label = esc(purpose.label.get(language) if purpose else key)
        what = _("consent given") if granted else _("no consent")
        lines.append(f"• {label}: {what}")
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
    lines = [
        _("<b>Request {number}</b>").format(number=esc(case.number)),
        _("Request: {kind}").format(kind=kind_label(case.kind)),
    ]
    if child is not None:
        lines.append(
            _("Child: {child}").format(child=esc(f"{child.first_name} {child.last_name}"))
        )
    lines.append(_("Status: {status}").format(status=parent_status_label(case.kind, case.status)))
    if case.in_effect_at_once:
        lines.append(
            _(
                "Your change took effect on {date}, when you confirmed it. The teacher has "
                "been asked to act on it."
            ).format(date=format_date(case.received_at.astimezone(school.tz).date()))
        )
    if case.parent_awaits_answer:
        lines.append(
            _("The school will answer by {due} at the latest.").format(
                due=format_date(case.due, "full")
            )
        )
    lines += _details(case, context)
    outcome, message, details = await services.staff_views.outcome(case.id)
    documents = await services.staff_views.documents(case.id)
    lines += outcome_lines(case, school, outcome, message, details, len(documents))
    lines += ["", _("<b>History</b>")]
    lines += [
        f"• {format_date(e.at.astimezone(school.tz).date())}: {event_label(e.event)}"
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
    language = current_language()
    lines = ["", _("Outcome: {outcome}").format(outcome=outcome_label(outcome))]
    if ground := school.retention_ground(details.get("ground") or ""):
        lines.append(_("Legal ground: {ground}").format(ground=esc(ground.label.get(language))))
    for key in details.get("kept", []):
        if category := school.category(key):
            lines.append(_("Kept: {category}").format(category=esc(category.label.get(language))))
    if message:
        label = _("Reason:") if outcome == "rejected" else _("Message from the school:")
        lines += [label, f"<blockquote>{esc(message)}</blockquote>"]
    if documents:
        lines.append(
            ngettext("{n} document delivered", "{n} documents delivered", documents).format(
                n=documents
            )
        )
    if outcome == "rejected":
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
