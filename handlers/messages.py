"""Sending what a person reads: split when long, keyboard on the last part, and the
message carrying the newest keyboard remembered so older keyboards can be refused."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers.context import BotContext
from handlers.render import split_html

LIVE_MESSAGE = "live_message"

Keyboard = Sequence[Sequence[InlineKeyboardButton]]


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(keyboard) if keyboard else None


async def send(
    update: Update, context: BotContext, text: str, keyboard: Keyboard | None = None
) -> Message:
    chat = update.effective_chat
    assert chat is not None
    parts = split_html(text)
    message: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = await context.bot.send_message(
            chat.id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=_markup(keyboard) if last else None,
        )
    assert message is not None
    if keyboard and context.chat_data is not None:
        context.chat_data[LIVE_MESSAGE] = message.message_id
    return message


async def show(
    update: Update, context: BotContext, text: str, keyboard: Keyboard | None = None
) -> None:
    """Answer a button by turning its message into the next screen (or send a new one)."""
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or len(split_html(text)) > 1:
        await send(update, context, text, keyboard)
        return
    try:
        await message.edit_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=_markup(keyboard),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
    if keyboard and context.chat_data is not None:
        context.chat_data[LIVE_MESSAGE] = message.message_id
    elif (
        context.chat_data is not None and context.chat_data.get(LIVE_MESSAGE) == message.message_id
    ):
        context.chat_data.pop(LIVE_MESSAGE, None)


def is_live(context: BotContext, message_id: int) -> bool:
    return context.chat_data is not None and context.chat_data.get(LIVE_MESSAGE) == message_id
