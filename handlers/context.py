"""The callback context our handlers get, with typed access to the services and typed
data per person and per chat (PTB's ``ContextTypes``, registered in bot.app).

What the bot waits for from a person (the next answer of the sign-up, typed text for a
request or a staff step, files for a dossier copy) is a ``Step`` in their ``UserData``: a
dataclass that knows what it asks, what it holds and what it does with the answer.
``handlers.input`` hands it what the person sends and /cancel, ``handlers.gate`` ends the
waiting at a button or a command without knowing which room the step belongs to.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeGuard, TypeVar

from pydantic import TypeAdapter, ValidationError
from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from handlers.buttons import Press, Tap
from handlers.callbacks import CallbackCodec

log = logging.getLogger(__name__)

KEEP_CASE_MESSAGES = 20


class Step:
    """Something the bot waits for from one person. A subclass is a dataclass of plain
    JSON values, stored with the person's data under its ``tag`` (handlers.persistence)."""

    tag: ClassVar[str]
    _by_tag: ClassVar[dict[str, type[Step]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "tag" in cls.__dict__ and Step._by_tag.setdefault(cls.tag, cls) is not cls:
            raise TypeError(f"two steps are tagged {cls.tag!r}")

    async def receive(self, update: Update, context: BotContext) -> bool:
        """A message that is not one of our commands arrived while this step waits; False
        leaves it to the general hint (handlers.fallback)."""
        raise NotImplementedError

    async def cancel(self, update: Update, context: BotContext) -> None:
        """/cancel while this step is held: say what stopped (or nothing)."""

    @staticmethod
    def tags() -> frozenset[str]:
        """The tags of every step this version knows."""
        return frozenset(Step._by_tag)

    def to_json(self) -> dict[str, Any]:
        assert dataclasses.is_dataclass(self)
        return {"tag": self.tag, **dataclasses.asdict(self)}

    @staticmethod
    def from_json(data: object) -> Step | None:
        """The step as stored, or None when this version has no such step or cannot read
        it (stored by another version): the person is then simply not waited for."""
        if not isinstance(data, dict) or not isinstance(data.get("tag"), str):
            return None
        kind = Step._by_tag.get(data["tag"])
        if kind is None:
            return None
        fields = {k: v for k, v in data.items() if k != "tag"}
        if kind.tag not in _adapters:
            _adapters[kind.tag] = TypeAdapter(kind)
        try:
            return _adapters[kind.tag].validate_python(fields)
        except ValidationError:
            log.warning("dropping an unreadable %s step", kind.tag)
            return None


_adapters: dict[str, TypeAdapter[Step]] = {}


S = TypeVar("S", bound=Step)


@dataclass
class UserData:
    """What the bot keeps about one person between updates: the steps it waits for."""

    sign_up: Step | None = None
    """The step of linking this account (handlers.onboarding). It goes on through other
    commands and buttons, beside whatever else is held, until the account is linked,
    /start begins again or /cancel stops it."""
    step: Step | None = None
    """The step of what the person is doing: a request, a staff action."""
    awaiting: bool = False
    """Whether what the person sends goes to ``step`` now. A step can outlive waiting: a
    request's summary keeps its draft for the Send button, but typed text no longer goes
    to it."""

    def start(self, step: Step, *, awaiting: bool = True) -> None:
        """Wait for ``step`` (instead of whatever the person was doing)."""
        self.step, self.awaiting = step, awaiting

    def held(self, kind: type[S]) -> S | None:
        """The step held, if it is a ``kind``."""
        return self.step if isinstance(self.step, kind) else None

    def waiting(self) -> Step | None:
        """The step that takes what the person sends now, after the sign-up's."""
        return self.step if self.awaiting else None

    def interrupt(self) -> None:
        """A button or one of our commands: stop waiting (not the sign-up). The step itself
        stays: its confirm button may be the one tapped."""
        self.awaiting = False

    def clear(self, kind: type[Step] = Step) -> None:
        """Forget the step held, if it is a ``kind``."""
        if isinstance(self.step, kind):
            self.step, self.awaiting = None, False

    def to_json(self) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        if self.sign_up is not None:
            data["sign_up"] = self.sign_up.to_json()
        if self.step is not None:
            data.update(step=self.step.to_json(), awaiting=self.awaiting)
        return data or None

    @classmethod
    def from_json(cls, data: object) -> UserData:
        """What was stored; a draft under the keys of older versions is left out."""
        found = cls()
        if not isinstance(data, dict):
            return found
        found.sign_up = Step.from_json(data.get("sign_up"))
        if (step := Step.from_json(data.get("step"))) is not None:
            found.start(step, awaiting=data.get("awaiting") is True)
        return found


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
    def user_state(self) -> UserData:
        """The acting person's data (every update we handle comes from a person)."""
        assert self.user_data is not None
        return self.user_data

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def codec(self) -> CallbackCodec:
        codec: CallbackCodec = self.application.bot_data["codec"]
        return codec

    tap: Tap | None = None
    """The button tapped, decoded once by handlers.gate (None for anything else)."""

    def button(self, user_id: int, text: str, press: Press) -> InlineKeyboardButton:
        """A button signed for this user: ``context.button(user, label, Staff.CASE(7))``."""
        data = self.codec.encode(user_id, press.action.code, *press.wire())
        return InlineKeyboardButton(text, callback_data=data)


BotApplication = Application[ExtBot[None], BotContext, UserData, ChatData, dict[str, Any], Any]

T = TypeVar("T")
Screen = Callable[[Update, BotContext, T], Awaitable[None]]
"""What a button opens: the update, the context and the button's typed arguments."""
