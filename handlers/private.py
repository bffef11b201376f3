"""Privacyloket works only in private chats. In a group, supergroup or channel it says so
in one line (once per group while it runs) and leaves; nothing there is handled or stored,
and no child or request is ever shown there."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _, suggest_language, use_language
from handlers.context import BotContext
from handlers.gate import answer

log = logging.getLogger(__name__)

_TOLD = "groups_told"
_GONE = (ChatMember.LEFT, ChatMember.BANNED)


def private_only_text(bot_username: str) -> str:
    return _("I only work in a private chat. Please open @{bot} and send /start there.").format(
        bot=bot_username
    )


def _removed(update: Update) -> bool:
    """The bot itself was removed (or left): nothing to say, nothing to leave."""
    member = update.my_chat_member
    return member is not None and member.new_chat_member.status in _GONE


async def only_private_chats(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type == Chat.PRIVATE:
        return
    user = update.effective_user
    with use_language(suggest_language(user.language_code if user else None)):
        line = private_only_text(context.bot.username)
    told: set[int] = context.application.bot_data.setdefault(_TOLD, set())
    first = chat is not None and chat.id not in told and not _removed(update)
    try:
        if update.callback_query is not None:
            await answer(update.callback_query, line, alert=True)
        if chat is not None and first:
            told.add(chat.id)
            if update.callback_query is None and chat.type in (Chat.GROUP, Chat.SUPERGROUP):
                await context.bot.send_message(chat.id, line)
            await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.warning("could not answer or leave a non-private chat: %s", type(exc).__name__)
    raise ApplicationHandlerStop
