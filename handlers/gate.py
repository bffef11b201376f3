"""Runs before any handler: refuses forged or stale buttons and answers every tap."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.domain.notifications import OPEN_CASE
from bot.i18n import _
from handlers.commands import KNOWN, command_of
from handlers.context import BotContext
from handlers.menu import send_menu
from handlers.messages import is_live
from handlers.outbox_sender import RECEIPT_ACTION

# Buttons under outbox messages (not the newest screen): still signed for this user, and
# their action is idempotent (confirming receipt) or only shows something (opening a
# request, whose permission is checked again).
LASTING = frozenset({RECEIPT_ACTION, OPEN_CASE})

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
    decoded = context.codec.decode(query.from_user.id, query.data or "")
    message = query.message
    if decoded is None:
        reason = "forged"
    elif not isinstance(message, Message) or (
        decoded.action not in LASTING and not is_live(context, message.message_id)
    ):
        reason = "stale"
    else:
        await answer(query)
        if context.user_data is not None:
            context.user_data.interrupt()
        return
    await answer(query, _("This button no longer works."))
    await context.services.accounts.note_refused_button(query.from_user.id, reason)
    await send_menu(update, context)
    raise ApplicationHandlerStop
