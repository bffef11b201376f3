"""What a person sends that is not one of our commands, and /cancel: both go to the step
the bot waits for (handlers.context.Step), whichever room it belongs to."""

from __future__ import annotations

from telegram import Update

from handlers import fallback
from handlers.context import BotContext
from handlers.menu import send_menu
from handlers.staff import documents


async def typed(update: Update, context: BotContext) -> None:
    """A document or photo in reply to a request's message goes to that request; anything
    else to the step waiting, or a short hint when none takes it."""
    if await documents.file_in_reply(update, context):
        return
    step = context.user_state.waiting()
    if step is not None and await step.receive(update, context):
        return
    await fallback.unexpected(update, context)


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: drop what is being written, say so, and show the menu."""
    step = context.user_state.step
    context.user_state.clear()
    if step is None or await step.cancel(update, context):
        await send_menu(update, context)
