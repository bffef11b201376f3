"""The one error handler: log the failure without personal data and tell the person."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import Forbidden, NetworkError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    if (
        chat is not None
        and chat.type == Chat.PRIVATE
        and not isinstance(error, Forbidden | NetworkError)
    ):
        try:
            await context.bot.send_message(
                chat.id,
                _("Sorry, something went wrong on our side. Please try again in a moment."),
            )
        except Exception:
            log.warning("could not tell chat about failed update %s", update_id)
    # Nothing after a failed step runs for this update (a failed check must not be skipped).
    raise ApplicationHandlerStop
