"""What a person sends that is not one of our commands, and /cancel: both go to the step
the bot waits for (handlers.context.Step), whichever room it belongs to. The sign-up's
step comes first, as it did when it was a conversation of its own."""

from __future__ import annotations

from telegram import Update

from handlers import fallback
from handlers.context import BotContext
from handlers.menu import send_menu
from handlers.staff import documents


async def typed(update: Update, context: BotContext) -> None:
    """The sign-up's step first; then a document or photo in reply to a request's message
    goes to that request; anything else to the step waiting, or a short hint when none
    takes it."""
    state = context.user_state
    if state.sign_up is not None and await state.sign_up.receive(update, context):
        return
    if await documents.file_in_reply(update, context):
        return
    step = state.waiting()
    if step is not None and await step.receive(update, context):
        return
    await fallback.unexpected(update, context)


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: stop the sign-up; otherwise drop what is being written and show the menu."""
    state = context.user_state
    if state.sign_up is not None:
        sign_up, state.sign_up = state.sign_up, None
        await sign_up.cancel(update, context)
        return
    step = state.step
    state.clear()
    if step is not None:
        await step.cancel(update, context)
    await send_menu(update, context)
