"""The dossier copy staff attach to an access request, and the recipients they confirm as
informed of a correction or deletion (AVG art. 19)."""

from __future__ import annotations

from telegram import Update

from bot.domain.model import Refused
from bot.domain.transitions import Action
from bot.i18n import _
from handlers.callbacks import Callback
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.render import esc
from handlers.staff import common
from handlers.staff.common import actor, refusal_text, staff_profile
from handlers.staff.screens import case_of_message, open_case
from handlers.staff.steps import cancel_row, checked_view, user_id


async def attach(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.ATTACH)
    if view is None:
        return
    common.clear(context)
    assert context.user_data is not None
    context.user_data[common.ATTACH] = case_id
    await send(
        update,
        context,
        _(
            "Send the copy for request {number} now: PDF files or photos of pages, one or "
            "more. They are delivered to the parent when you answer the request."
        ).format(number=esc(view.case.number)),
        [cancel_row(context, user_id(update), case_id)],
    )


async def file_sent(update: Update, context: BotContext) -> bool:
    """A document or photo after 'Attach copy'; False when none was asked for."""
    message = update.effective_message
    case_id = context.user_data.get(common.ATTACH) if context.user_data is not None else None
    if message is not None and message.reply_to_message is not None:
        case_id = (
            case_of_message(context.chat_data, message.reply_to_message.message_id) or case_id
        )
    if message is None or not isinstance(case_id, int):
        return False
    if message.document is not None:
        kind, file_id, name = "document", message.document.file_id, message.document.file_name
    elif message.photo:
        kind, file_id, name = "photo", message.photo[-1].file_id, None
    else:
        return False
    try:
        count = await context.services.staff_cases.attach(
            actor(update), case_id, kind, file_id, name
        )
    except Refused as exc:
        common.clear(context)
        school = context.services.school_by_id.get(exc.case.school_id) if exc.case else None
        await send(update, context, refusal_text(exc, school))
        return True
    user = user_id(update)
    await send(
        update,
        context,
        _("Added: {name}. Attached so far: {count}. Send more, or answer the request.").format(
            name=esc(name or _("photo")), count=count
        ),
        [
            [context.button(user, _("Answer and close"), "sr", case_id)],
            [context.button(user, _("« Back to the request"), "sc", case_id)],
        ],
    )
    assert context.user_data is not None
    context.user_data[common.ATTACH] = case_id
    return True


async def informed(update: Update, context: BotContext, cb: Callback) -> None:
    case_id, index = cb.int_arg(0) or 0, cb.int_arg(1)
    if await staff_profile(update, context) is None:
        return
    try:
        view = await context.services.staff_views.view(actor(update), case_id)
        recipients = context.services.school_by_id[view.case.school_id].recipients
        key = recipients[index].key if index is not None and 0 <= index < len(recipients) else ""
        left = await context.services.staff_cases.inform(actor(update), case_id, key)
    except Refused as exc:
        school = context.services.school_by_id.get(exc.case.school_id) if exc.case else None
        await send(update, context, refusal_text(exc, school))
        return
    said = (
        _("Recorded. All recipients are informed; the parent has been told which.")
        if not left
        else _("Recorded.")
    )
    await show(update, context, said)
    await open_case(update, context, case_id, edit=False)
