"""'My requests': the parent's cases, each with its timeline; withdrawing one."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.domain.case_texts import about_line, event_label, kind_label, status_label
from bot.domain.cases import Case, Kind, NotAllowed, NotPossibleNow
from bot.i18n import _, current_language, format_date
from handlers.callbacks import Callback
from handlers.context import BotContext
from handlers.messages import show
from handlers.parent.common import actor, parent, refuse
from handlers.render import esc
from storage.db import from_db


def _status(case: Case) -> str:
    """A photo-consent change took effect when it was confirmed: it has no answer date."""
    if case.kind == Kind.CONSENT:
        return _("in effect")
    return status_label(case.status)


def _answer_by(case: Case) -> bool:
    return case.is_open and case.kind != Kind.CONSENT


async def overview(update: Update, context: BotContext, cb: Callback) -> None:
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
            f"{_status(case)}"
            + (
                " · " + _("answer by {due}").format(due=format_date(case.due))
                if _answer_by(case)
                else ""
            )
        )
        rows.append(
            [
                context.button(
                    user, f"{case.number} · {kind_label(case.kind)} · {child}", "case", case.id
                )
            ]
        )
    rows.append([context.button(user, _("« Back to the menu"), "menu")])
    await show(update, context, "\n".join(lines), rows)


def _details(case: Case, context: BotContext) -> list[str]:
    school = context.services.school_by_id[case.school_id]
    language = current_language()
    about = about_line(school, case.details)
    lines = [about] if about else []
    for key, granted in sorted(case.details.get("changes", {}).items()):
        purpose = school.purpose(key)
        label = esc(purpose.label.get(language) if purpose else key)
        what = _("consent given") if granted else _("no consent")
        lines.append(f"• {label}: {what}")
    if case.text:
        lines += [_("Your text:"), f"<blockquote>{esc(case.text)}</blockquote>"]
    return lines


async def detail(update: Update, context: BotContext, cb: Callback) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    case_id = cb.int_arg(0)
    services = context.services
    try:
        case = await services.cases.get(actor(profile), case_id or 0)
        events = await services.cases.timeline(actor(profile), case.id)
    except NotAllowed:
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
    lines.append(_("Status: {status}").format(status=_status(case)))
    if case.kind == Kind.CONSENT:
        lines.append(
            _(
                "Your change took effect on {date}, when you confirmed it. The teacher has "
                "been asked to act on it."
            ).format(date=format_date(case.received_at.astimezone(school.tz).date()))
        )
    if _answer_by(case):
        lines.append(
            _("The school will answer by {due} at the latest.").format(
                due=format_date(case.due, "full")
            )
        )
    lines += _details(case, context)
    lines += ["", _("<b>History</b>")]
    lines += [
        f"• {format_date(from_db(e.at).astimezone(school.tz).date())}: {event_label(e.event)}"
        for e in events
    ]
    user = profile.telegram_user_id
    rows: list[list[InlineKeyboardButton]] = []
    if case.can_withdraw:
        rows.append([context.button(user, _("Withdraw this request"), "wd", case.id)])
    rows.append([context.button(user, _("« My requests"), "my")])
    await show(update, context, "\n".join(lines), rows)


async def confirm_withdraw(update: Update, context: BotContext, cb: Callback) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    try:
        case = await context.services.cases.get(actor(profile), cb.int_arg(0) or 0)
    except NotAllowed:
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
            [context.button(user, _("Yes, withdraw it"), "wdok", case.id)],
            [context.button(user, _("No, keep it"), "case", case.id)],
        ],
    )


async def withdraw(update: Update, context: BotContext, cb: Callback) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    user = profile.telegram_user_id
    back = [[context.button(user, _("« My requests"), "my")]]
    try:
        case = await context.services.cases.withdraw(actor(profile), cb.int_arg(0) or 0)
    except NotAllowed:
        await refuse(update, context, "not_their_case")
        return
    except NotPossibleNow:
        await show(
            update,
            context,
            _("This request can no longer be withdrawn: the school is already working on it."),
            back,
        )
        return
    await show(
        update,
        context,
        _("Request {number} has been withdrawn.").format(number=esc(case.number)),
        back,
    )
