"""Whatever no other handler took: a short hint, and nothing changes."""

from __future__ import annotations

from telegram import Update

from bot.i18n import _
from handlers.commands import command_of
from handlers.context import BotContext
from handlers.menu import not_linked_text, send_menu
from handlers.messages import send


async def unexpected(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or update.effective_chat is None or update.effective_chat.type != "private":
        return
    message = update.effective_message
    linked = await context.services.accounts.profile(user.id) is not None
    if update.callback_query is not None:
        await send(update, context, _("This button no longer works."))
        await send_menu(update, context)
        return
    if message is None:
        return
    if command_of(update) is not None:
        await send(update, context, _("I do not know that command. /help shows what I can do."))
        return
    if not linked:  # no buttons to point to: what to type instead
        hint = (
            _("I can only read typed text.")
            if message.text is None
            else _("I did not understand that.")
        )
        await send(update, context, hint + "\n\n" + not_linked_text())
        return
    if message.text is None:
        hint = _("I can only read typed text and the buttons of the menu below.")
    else:
        hint = _("Please use the buttons of the menu below.")
    await send(update, context, hint)
    await send_menu(update, context)
