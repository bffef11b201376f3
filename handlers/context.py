"""The callback context our handlers get, with typed access to the services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from handlers.callbacks import Callback, CallbackCodec

ChatData = dict[str, Any]
UserData = dict[str, Any]


class BotContext(CallbackContext[ExtBot[None], UserData, ChatData, dict[str, Any]]):
    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def codec(self) -> CallbackCodec:
        codec: CallbackCodec = self.application.bot_data["codec"]
        return codec

    def button(
        self, user_id: int, text: str, action: str, *args: str | int
    ) -> InlineKeyboardButton:
        return InlineKeyboardButton(text, callback_data=self.codec.encode(user_id, action, *args))


BotApplication = Application[ExtBot[None], BotContext, UserData, ChatData, dict[str, Any], Any]

Screen = Callable[[Update, BotContext, Callback], Awaitable[None]]
"""What a button opens: the update, the context and the decoded callback."""
