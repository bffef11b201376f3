"""Runs before any handler: refuses forged or stale buttons and answers every tap."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _
from handlers.buttons import tap_of
from handlers.commands import KNOWN, command_of
from handlers.context import BotContext
from handlers.menu import send_menu
from handlers.messages import is_live

log = logging.getLogger(__name__)


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a tapped button. A query Telegram no longer takes (handled late, after a
    backlog, or again after a crash) is not a reason to leave the tap itself unhandled."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        message = exc.message.lower()
        if "query is too old" not in message and "query id is invalid" not in message:
            raise
        log.info("callback query could no longer be answered")


async def check_button(update: Update, context: BotContext) -> None:
    """Every callback query is answered here, so none is left spinning on the phone.

    A tapped button or one of our commands also ends waiting for what the person sends,
    whichever step it was for (``UserData.interrupt``): only the screen that asks starts
    waiting again.
    """
    if command_of(update) in KNOWN and context.user_data is not None:
        context.user_data.interrupt()
    query = update.callback_query
    if query is None:
        return
    callback = context.codec.decode(query.from_user.id, query.data or "")
    message = query.message
    # Decoded once, here; handlers.router takes the tap from the context. A button under a
    # queued notice keeps working after newer screens (it is still signed for this user, and
    # it confirms a receipt again or only shows a request, whose permission is checked).
    tap = tap_of(callback) if callback is not None else None
    lasting = tap is not None and tap.action.lasting
    if callback is None:
        reason = "forged"
    elif not isinstance(message, Message) or (
        not lasting and not is_live(context, message.message_id)
    ):
        reason = "stale"
    else:
        context.tap = tap
        await answer(query)
        if context.user_data is not None:
            context.user_data.interrupt()
        return
    await answer(query, _("This button no longer works."))
    await context.services.accounts.note_refused_button(query.from_user.id, reason)
    await send_menu(update, context)
    raise ApplicationHandlerStop
