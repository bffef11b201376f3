"""Staff steps that ask for typed text, with a confirmation before anything changes:
internal notes, extending, refusing and answering a request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.domain.case_details import category_keys
from bot.domain.deadlines import MAX_EXTENSION_MONTHS
from bot.domain.free_text import clean_text
from bot.domain.model import Kind, Outcome, Refused
from bot.domain.staff_base import CaseView
from bot.domain.staff_cases import MAX_MESSAGE
from bot.domain.texts.for_staff import not_a_school_day_note
from bot.domain.texts.labels import kind_label, outcome_label
from bot.domain.transitions import OUTCOMES, Action, extension_months_left, new_due_date
from bot.i18n import _, current_language, format_date, format_number, ngettext
from handlers.callbacks import Callback
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.render import esc
from handlers.staff import common
from handlers.staff.common import actor, refusal_text
from handlers.staff.screens import open_case
from handlers.staff.steps import Rows, cancel_row, checked_view, gone, limit_line, run, user_id


async def note(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.NOTE)
    if view is None:
        return
    common.start_draft(context, {"do": "note", "case": case_id}, awaiting=True)
    user = user_id(update)
    await send(
        update,
        context,
        _("Type the internal note for request {number}. The parent never sees it.").format(
            number=esc(view.case.number)
        )
        + "\n"
        + limit_line(),
        [cancel_row(context, user, case_id)],
    )


def extension_months(raw: str | int | None) -> int | None:
    """The months of an extension as they arrive (a button's argument, a typed number), or
    None when out of the domain's range: checked here, before any date is drawn."""
    try:
        months = int(raw) if raw is not None else None
    except ValueError:
        return None
    return months if months is not None and 1 <= months <= MAX_EXTENSION_MONTHS else None


async def _refuse_months(update: Update, context: BotContext, case_id: int) -> None:
    await context.services.staff_views.refusal(actor(update), "extend", case_id, "invalid")
    await send(
        update,
        context,
        ngettext(
            "The answer date can be extended by at most {n} month. Nothing was changed.",
            "The answer date can be extended by at most {n} months. Nothing was changed.",
            MAX_EXTENSION_MONTHS,
        ).format(n=MAX_EXTENSION_MONTHS),
    )


async def extend(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.EXTEND)
    if view is None:
        return
    typed = (context.args or [])[1:2] if update.callback_query is None else []
    if typed:  # "/extend 2026-0042 2"
        months = extension_months(typed[0])
        if months is None:
            await _refuse_months(update, context, case_id)
        else:
            await _ask_extension_reason(update, context, case_id, months)
        return
    user = user_id(update)
    left = extension_months_left(view.case, context.services.school_by_id[view.case.school_id].tz)
    labels = [_("By one month"), _("By two months")][:left]
    await show(
        update,
        context,
        _(
            "Extend the answer date of request {number}? The law allows at most two more "
            "months in total, for a complex request or when the school has many requests, and "
            "only before the answer date; the parent is told the new date and your reason."
        ).format(number=esc(view.case.number)),
        [
            [context.button(user, label, "sem", case_id, n) for n, label in enumerate(labels, 1)],
            cancel_row(context, user, case_id),
        ],
    )


async def extend_months(update: Update, context: BotContext, cb: Callback) -> None:
    case_id, months = cb.int_arg(0) or 0, extension_months(cb.int_arg(1))
    if await checked_view(update, context, case_id, Action.EXTEND) is None:
        return
    if months is None:
        await _refuse_months(update, context, case_id)
        return
    await _ask_extension_reason(update, context, case_id, months)


async def _ask_extension_reason(
    update: Update, context: BotContext, case_id: int, months: int
) -> None:
    common.start_draft(context, {"do": "extend", "case": case_id, "months": months}, awaiting=True)
    await show(
        update,
        context,
        _("Please type the reason for the extension. The parent reads it.") + "\n" + limit_line(),
        [cancel_row(context, user_id(update), case_id)],
    )


async def reject(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.REJECT)
    if view is None:
        return
    user = user_id(update)
    if view.case.kind == Kind.ERASURE:
        school = context.services.school_by_id[view.case.school_id]
        language = current_language()
        rows: Rows = [
            [context.button(user, g.label.get(language).split(":")[0], "sjg", case_id, i)]
            for i, g in enumerate(school.retention_grounds)
        ]
        rows.append(cancel_row(context, user, case_id))
        # A new message: the case card, with the parent's words, stays in view while the
        # ground is chosen and the reason written.
        await send(
            update,
            context,
            _("A deletion can only be refused on a legal ground. Which one applies?"),
            rows,
        )
        return
    await _ask_reason(update, context, case_id, None, new_message=True)


async def reject_ground(update: Update, context: BotContext, cb: Callback) -> None:
    case_id, index = cb.int_arg(0) or 0, cb.int_arg(1)
    view = await checked_view(update, context, case_id, Action.REJECT)
    if view is None:
        return
    grounds = context.services.school_by_id[view.case.school_id].retention_grounds
    if index is None or not 0 <= index < len(grounds):
        await reject(update, context, case_id)
        return
    await _ask_reason(update, context, case_id, grounds[index].key)


async def _ask_reason(
    update: Update,
    context: BotContext,
    case_id: int,
    ground: str | None,
    *,
    new_message: bool = False,
) -> None:
    common.start_draft(context, {"do": "reject", "case": case_id, "ground": ground}, awaiting=True)
    text = (
        _(
            "Please type the reason for the refusal. The parent reads it, together with their "
            "right to complain to the Autoriteit Persoonsgegevens."
        )
        + "\n"
        + limit_line()
    )
    keyboard = [cancel_row(context, user_id(update), case_id)]
    if new_message:
        await send(update, context, text, keyboard)
    else:
        await show(update, context, text, keyboard)


def _outcome_button(kind: Kind, outcome: str) -> str:
    if kind == Kind.ACCESS:
        return _("Send the answer")
    return outcome_label(outcome).capitalize()


async def resolve(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.RESOLVE)
    if view is None:
        return
    outcomes = OUTCOMES[view.case.kind]
    if len(outcomes) == 1:
        await _ask_message(update, context, view, outcomes[0], [])
        return
    user = user_id(update)
    rows: Rows = [
        [context.button(user, _outcome_button(view.case.kind, o), "sro", case_id, i)]
        for i, o in enumerate(outcomes)
    ]
    rows.append(cancel_row(context, user, case_id))
    await show(
        update,
        context,
        _("How was request {number} handled?").format(number=esc(view.case.number)),
        rows,
    )


async def resolve_outcome(update: Update, context: BotContext, cb: Callback) -> None:
    case_id, index = cb.int_arg(0) or 0, cb.int_arg(1)
    view = await checked_view(update, context, case_id, Action.RESOLVE)
    if view is None:
        return
    outcomes = OUTCOMES[view.case.kind]
    if index is None or not 0 <= index < len(outcomes):
        await resolve(update, context, case_id)
        return
    if outcomes[index] == Outcome.PARTLY_ERASED:
        await _kept(update, context, view, 0)
        return
    await _ask_message(update, context, view, outcomes[index], [])


async def _kept(update: Update, context: BotContext, view: CaseView, mask: int) -> None:
    school = context.services.school_by_id[view.case.school_id]
    language = current_language()
    keys = category_keys(view.case.details)
    user = user_id(update)
    rows: Rows = []
    for i, key in enumerate(keys):
        category = school.category(key)
        label = category.label.get(language) if category else key
        mark = "☑" if mask >> i & 1 else "☐"
        rows.append(
            [context.button(user, f"{mark} {label}", "srk", view.case.id, mask ^ (1 << i))]
        )
    if mask:
        rows.append([context.button(user, _("Next"), "srkok", view.case.id, mask)])
    rows.append(cancel_row(context, user, view.case.id))
    await show(
        update,
        context,
        _("Which data does the school keep? The parent is told the legal ground of each."),
        rows,
    )


async def kept_toggled(update: Update, context: BotContext, cb: Callback) -> None:
    view = await checked_view(update, context, cb.int_arg(0) or 0, Action.RESOLVE)
    if view is not None:
        await _kept(update, context, view, cb.int_arg(1) or 0)


async def kept_chosen(update: Update, context: BotContext, cb: Callback) -> None:
    view = await checked_view(update, context, cb.int_arg(0) or 0, Action.RESOLVE)
    if view is None:
        return
    mask = cb.int_arg(1) or 0
    keys = category_keys(view.case.details)
    kept = [k for i, k in enumerate(keys) if mask >> i & 1]
    if not kept:
        await _kept(update, context, view, 0)
        return
    await _ask_message(update, context, view, Outcome.PARTLY_ERASED, kept)


async def _ask_message(
    update: Update, context: BotContext, view: CaseView, outcome: str, kept: list[str]
) -> None:
    case_id = view.case.id
    common.start_draft(
        context,
        {"do": "resolve", "case": case_id, "outcome": outcome, "kept": kept},
        awaiting=True,
    )
    user = user_id(update)
    lines = [
        _("<b>Answer request {number}</b> ({kind})").format(
            number=esc(view.case.number), kind=kind_label(view.case.kind)
        ),
        _("Type a short message to the parent, or send the answer without one."),
    ]
    if view.case.kind == Kind.ACCESS and not view.documents:
        lines.append(_("No documents are attached. Tap Attach copy on the request to add them."))
    lines.append(limit_line())
    await show(
        update,
        context,
        "\n".join(lines),
        [
            [context.button(user, _("No message"), "srn", case_id)],
            cancel_row(context, user, case_id),
        ],
    )


async def no_message(update: Update, context: BotContext, cb: Callback) -> None:
    found = common.draft(context)
    if found is None or found.get("case") != cb.int_arg(0) or found.get("do") != "resolve":
        await gone(update, context)
        return
    found["text"] = None
    await _confirm(update, context, found)


async def text_typed(update: Update, context: BotContext) -> bool:
    """Typed text for a staff step; False when no staff step waits for text."""
    if context.user_data is None or not context.user_data.get(common.AWAITING):
        return False
    found = common.draft(context)
    message = update.effective_message
    if found is None or message is None:
        common.clear(context)
        return False
    if message.text is not None and message.text.startswith("/"):
        return False  # an unknown command: the general hint, and the step keeps waiting
    if message.text is None:
        await send(update, context, _("Please type your answer as text."))
        return True
    text = clean_text(message.text)
    if not text:
        return True
    if len(text) > MAX_MESSAGE:
        await send(
            update,
            context,
            _(
                "Your text is {length} characters long; the limit is {limit}. Please shorten "
                "it and send it again. Nothing has been sent yet."
            ).format(length=format_number(len(text)), limit=format_number(MAX_MESSAGE)),
        )
        return True
    context.user_data.pop(common.AWAITING, None)
    if found["do"] == "note":
        case_id = int(found["case"])
        await run(
            update,
            context,
            case_id,
            lambda: context.services.staff_cases.note(actor(update), case_id, text),
            _("Note saved. The parent does not see it."),
        )
        return True
    found["text"] = text
    await _confirm(update, context, found)
    return True


async def _confirm(update: Update, context: BotContext, found: dict[str, Any]) -> None:
    case_id = int(found["case"])
    try:
        view = await context.services.staff_views.view(actor(update), case_id)
    except Refused as exc:
        common.clear(context)
        await send(update, context, refusal_text(exc, None))
        return
    school = context.services.school_by_id[view.case.school_id]
    language = current_language()
    number = esc(view.case.number)
    lines: list[str]
    if found["do"] == "resolve":
        lines = [
            _("<b>Answer request {number}</b> ({kind})").format(
                number=number, kind=kind_label(view.case.kind)
            ),
            _("Outcome: {outcome}").format(outcome=outcome_label(found["outcome"])),
        ]
        for key in found.get("kept", []):
            category = school.category(key)
            if category:
                lines.append(
                    _("Kept: {category}").format(category=esc(category.label.get(language)))
                )
        if view.documents:
            lines.append(_("Documents sent to the parent: {n}").format(n=len(view.documents)))
    elif found["do"] == "reject":
        ground = school.retention_ground(found["ground"]) if found.get("ground") else None
        lines = [_("<b>Refuse request {number}</b>").format(number=number)]
        if ground:
            lines.append(
                _("Legal ground: {ground}").format(ground=esc(ground.label.get(language)))
            )
    else:
        months = extension_months(found.get("months"))
        if months is None:  # a draft from before the range was checked where it enters
            common.clear(context)
            await _refuse_months(update, context, case_id)
            return
        new_due = new_due_date(view.case, school.tz, months)
        if new_due is None:
            await gone(update, context)
            return
        lines = [
            _("<b>Extend request {number}</b> to {due}").format(
                number=number, due=format_date(new_due, "full")
            )
        ]
        if note := not_a_school_day_note(new_due, school):
            lines.append(note)
    if found.get("text"):
        lines += [
            _("Your message to the parent:"),
            f"<blockquote>{esc(found['text'])}</blockquote>",
        ]
    else:
        lines.append(_("No message to the parent."))
    lines += ["", _("Is this right? The parent is told at once.")]
    user = user_id(update)
    await send(
        update,
        context,
        "\n".join(lines),
        [
            [context.button(user, _("Confirm"), "sok", case_id)],
            cancel_row(context, user, case_id),
        ],
    )


async def confirmed(update: Update, context: BotContext, cb: Callback) -> None:
    found = common.draft(context)
    case_id = cb.int_arg(0) or 0
    if found is None or found.get("case") != case_id or "text" not in found:
        await gone(update, context)
        return
    service, who, text = context.services.staff_cases, actor(update), found.get("text")
    step: Callable[[], Awaitable[Any]]
    if found["do"] == "resolve":
        step = lambda: service.resolve(who, case_id, found["outcome"], text, found.get("kept", []))  # noqa: E731
        said = _("Done: the request is closed and the parent has been told.")
    elif found["do"] == "reject":
        step = lambda: service.reject(who, case_id, text or "", found.get("ground"))  # noqa: E731
        said = _("The request is refused and the parent has been told, with their rights.")
    else:
        step = lambda: service.extend(who, case_id, int(found["months"]), text or "")  # noqa: E731
        said = _("The answer date is extended and the parent has been told.")
    await run(update, context, case_id, step, said)


async def cancelled(update: Update, context: BotContext, cb: Callback) -> None:
    common.clear(context)
    await show(update, context, _("Cancelled. Nothing was changed."))
    await open_case(update, context, cb.int_arg(0) or 0, edit=False)
