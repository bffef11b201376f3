"""Sending what a person reads: split when long, keyboard on the last part, and the
message carrying the newest keyboard remembered so older keyboards can be refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers.context import BotContext
from handlers.render import split_html

Keyboard = Sequence[Sequence[InlineKeyboardButton]]


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def _digest(text: str, keyboard: Keyboard | None) -> str:
    markup = _markup(keyboard)
    shown = json.dumps([text, markup.to_dict() if markup else None], sort_keys=True)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _remember(context: BotContext, message_id: int, text: str, keyboard: Keyboard | None) -> None:
    chat = context.chat_data
    if chat is None:
        return
    if keyboard:
        chat.live_message = message_id
        chat.live_shows = _digest(text, keyboard)
    elif chat.live_message == message_id:
        chat.live_message = chat.live_shows = None


def _already_shows(
    context: BotContext, message: Message, text: str, keyboard: Keyboard | None
) -> bool:
    """Whether the message shows this already: as we last drew it, or (for a message we do
    not track) as the tapped button's message showed it."""
    if is_live(context, message.message_id) and context.chat_data is not None:
        return context.chat_data.live_shows == _digest(text, keyboard)
    return message.text_html == text and message.reply_markup == _markup(keyboard)


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
    if keyboard:
        _remember(context, message.message_id, parts[-1], keyboard)
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
    if _already_shows(context, message, text, keyboard):
        return  # a double tap: the callback is answered (handlers.gate), nothing to edit
    try:
        await message.edit_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=_markup(keyboard),
        )
    except BadRequest as exc:
        # Possible only when an update is handled again after a crash, before what it had
        # drawn was saved.
        if "not modified" not in exc.message:
            raise
    _remember(context, message.message_id, text, keyboard)


def is_live(context: BotContext, message_id: int) -> bool:
    return context.chat_data is not None and context.chat_data.live_message == message_id
