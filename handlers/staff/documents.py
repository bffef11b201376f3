"""The dossier copy staff attach to an access request, and the recipients they confirm as
informed of a correction or deletion (AVG art. 19)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from telegram import Update

from bot.domain.dossier_files import (
    MAX_BYTES,
    CheckedFile,
    FileProblem,
    check_document,
    check_photo,
)
from bot.domain.model import Refused
from bot.domain.transitions import Action
from bot.i18n import _
from handlers.buttons import Choice, Staff
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.render import esc
from handlers.staff import common
from handlers.staff.common import StaffStep, actor, refusal_text, staff_profile, user_id
from handlers.staff.screens import open_case
from handlers.staff.steps import cancel_row, checked_view


@dataclass
class AttachCopy(StaffStep):
    """Files for the dossier copy of a request, after Attach copy (or after a first file
    sent in reply to the request's message)."""

    tag: ClassVar[str] = "staff.attach"

    async def receive(self, update: Update, context: BotContext) -> bool:
        return await _add(update, context, self.case)


async def attach(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.ATTACH)
    if view is None:
        return
    context.user_state.start(AttachCopy(case_id))
    await send(
        update,
        context,
        _(
            "Send the copy for request {number} now: PDF files or photos of pages, one or "
            "more. They are delivered to the parent when you answer the request."
        ).format(number=esc(view.case.number))
        + "\n"
        + _(
            "⚠️ Leave out other children's data first: names, marks or photos of other pupils, "
            "and notes about other families. The copy is only about {child} (GDPR (AVG) Art. "
            "15(4))."
        ).format(child=esc(view.student.first_name)),
        [cancel_row(context, user_id(update), case_id)],
    )


async def file_in_reply(update: Update, context: BotContext) -> bool:
    """A document or photo sent in reply to a request's message goes to that request,
    whatever else the bot waits for; False for anything else."""
    message = update.effective_message
    reply = message.reply_to_message if message is not None else None
    if reply is None or context.chat_data is None:
        return False
    case_id = context.chat_data.case_messages.get(reply.message_id)
    return case_id is not None and await _add(update, context, case_id)


async def _add(update: Update, context: BotContext, case_id: int) -> bool:
    """The document or photo sent, attached to ``case_id``; False when it is neither."""
    message = update.effective_message
    if message is None:
        return False
    if message.document is not None:
        document = message.document
        kind, file_id = "document", document.file_id
        checked = check_document(document.file_name, document.mime_type, document.file_size)
    elif message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
        checked = check_photo(message.photo[-1].file_size)
    else:
        return False
    if checked.problem is not None:
        await context.services.staff_views.refusal(
            actor(update), "attach", case_id, f"file_{checked.problem.value}"
        )
        await send(update, context, _not_added(checked))
        return True
    name = checked.name or None
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
            name=esc(name) if name else _("photo"), count=count
        ),
        [
            [context.button(user, _("Answer and close"), Staff.RESOLVE(case_id))],
            [context.button(user, _("« Back to the request"), Staff.CASE(case_id))],
        ],
    )
    context.user_state.start(AttachCopy(case_id))
    return True


def _not_added(checked: CheckedFile) -> str:
    """Why a file was not added, and what to send instead; the copy still waits for files."""
    name = esc(checked.name) if checked.name else _("This file")
    match checked.problem:
        case FileProblem.NO_NAME:
            return _(
                "This file has no name, so its type cannot be checked; it was not added. "
                "Please send the copy as a PDF file or as photos of the pages."
            )
        case FileProblem.EMPTY:
            return _("{name} is empty; it was not added.").format(name=name)
        case FileProblem.TOO_LARGE:
            return _(
                "{name} is larger than {size} MB, more than Telegram lets a bot send; it was "
                "not added. Please send it in smaller parts."
            ).format(name=name, size=MAX_BYTES // (1024 * 1024))
    return _(
        "{name} was not added: only PDF files and images (JPG or PNG) can go to a parent as "
        "the copy, and the file's name must end in .pdf, .jpg or .png to match its type. "
        "Please send the copy as a PDF file or as photos of the pages."
    ).format(name=name)


async def informed(update: Update, context: BotContext, args: Choice) -> None:
    await _recipient_done(update, context, args, received=True)


async def not_applicable(update: Update, context: BotContext, args: Choice) -> None:
    await _recipient_done(update, context, args, received=False)


async def _recipient_done(
    update: Update, context: BotContext, args: Choice, *, received: bool
) -> None:
    """A recipient informed of the change (AVG art. 19), or marked as never having received
    this data."""
    case_id, index = args
    if await staff_profile(update, context) is None:
        return
    try:
        view = await context.services.staff_views.view(actor(update), case_id)
        recipients = context.services.school_by_id[view.case.school_id].recipients
        key = recipients[index].key if 0 <= index < len(recipients) else ""
        left = await context.services.staff_cases.inform(
            actor(update), case_id, key, received=received
        )
    except Refused as exc:
        school = context.services.school_by_id.get(exc.case.school_id) if exc.case else None
        await send(update, context, refusal_text(exc, school))
        return
    said = (
        _(
            "Recorded. Every recipient has been dealt with, and the parent has been told "
            "which ones were informed."
        )
        if not left
        else _("Recorded.")
    )
    await show(update, context, said)
    await open_case(update, context, case_id, edit=False)
