"""The callback context our handlers get, with typed access to the services and typed
data per chat (PTB's ``ContextTypes``, registered in bot.app)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from handlers.callbacks import Callback, CallbackCodec

UserData = dict[str, Any]

KEEP_CASE_MESSAGES = 20


@dataclass
class ChatData:
    """What a private chat shows. Persisted as JSON (handlers.persistence), with the keys
    older versions wrote."""

    live_message: int | None = None
    """The message with the newest keyboard: only its buttons work (handlers.gate)."""
    live_shows: str | None = None
    """A digest of what the live message shows (text and keyboard), to never edit it into
    the same thing: Telegram refuses that ("message is not modified")."""
    case_messages: dict[int, int] = field(default_factory=dict)
    """The request each of the newest staff case messages shows, by message id: documents
    sent in reply to one are attached to that request."""

    def show_case(self, message_id: int, case_id: int) -> None:
        self.case_messages[message_id] = case_id
        for old in sorted(self.case_messages)[:-KEEP_CASE_MESSAGES]:
            del self.case_messages[old]

    def to_json(self) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        if self.live_message is not None:
            data["live_message"] = self.live_message
        if self.live_shows is not None:
            data["live_shows"] = self.live_shows
        if self.case_messages:
            data["case_messages"] = {str(m): c for m, c in self.case_messages.items()}
        return data or None

    @classmethod
    def from_json(cls, data: object) -> ChatData:
        """What was stored, as far as it is readable; anything else is left out."""
        found = cls()
        if not isinstance(data, dict):
            return found
        if _is_int(live := data.get("live_message")):
            found.live_message = live
        if isinstance(shows := data.get("live_shows"), str):
            found.live_shows = shows
        if isinstance(cases := data.get("case_messages"), dict):
            found.case_messages = {
                int(m): c for m, c in cases.items() if m.lstrip("-").isdigit() and _is_int(c)
            }
        return found


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


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
