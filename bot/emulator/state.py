"""What the emulator holds (chats, messages, the update queue, callback queries, files,
faults, the transcript) and the few steps every part of it takes: numbering messages,
queueing an update, recording an event a person would see, a message as the Bot API
returns it.

The parts of :class:`~bot.emulator.FakeBotAPI` (faults, simulated people, inspection, the
API methods, the HTTP server) are mixins over this state.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .clock import EmulatorClock, WallClock
from .errors import Fault
from .models import ApiCall, FakeGroup, FakeUser, JSONDict, SentMessage, UploadedFile
from .transcript import TranscriptEvent

__all__ = ["CallbackQuery", "EmulatorState", "MethodHandler", "Poll", "QueuedUpdate", "Request"]


@dataclass
class QueuedUpdate:
    update_id: int
    seq: int
    redelivered: bool = False
    delivered: bool = False


@dataclass
class CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    data: str | None
    created: float  # on the emulator's clock, for Telegram's 15 s limit
    answered: bool = False
    answer: JSONDict | None = None


@dataclass
class Poll:
    terminated: bool = False


@dataclass
class Request:
    method: str
    params: JSONDict
    files: dict[str, UploadedFile] = field(default_factory=dict)


MethodHandler = Callable[[Request], Awaitable[Any]]


class EmulatorState:
    """The emulator's state; see :class:`~bot.emulator.FakeBotAPI` for the public part."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - the emulator's own, not a secret
        *,
        bot_username: str = "PrivacyloketTestBot",
        bot_id: int = 123456,
        bot_first_name: str = "Privacyloket",
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name
        self.latency: float = 0.0
        self.callback_query_timeout: float = 15.0
        self.clock: EmulatorClock = WallClock()
        self.calls: list[ApiCall] = []
        self.intercept: Callable[[ApiCall, str], Awaitable[bool]] | None = None
        """Called with ``(call, "before")`` when a method call arrives and ``(call, "after")``
        once it took effect, before the answer is sent; returning True before drops the call
        (no effect, 502). Crash tests kill the bot from here."""

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing: asyncio.Event | None = None

        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._left: set[int] = set()
        self._blocked: set[int] = set()
        self._messages: dict[int, dict[int, SentMessage]] = {}
        self._incoming: dict[int, dict[int, bool]] = {}  # chat -> message id -> deleted
        self._next_message_id: dict[int, int] = {}

        self._update_ids = itertools.count(1)
        self._queue_seq = itertools.count()
        self._updates: dict[int, JSONDict] = {}
        self._queue: list[QueuedUpdate] = []
        self._delivery_counts: dict[int, int] = {}
        self._updates_changed = asyncio.Event()
        self._active_poll: Poll | None = None

        self._callback_queries: dict[str, CallbackQuery] = {}
        self._callback_ids = itertools.count(4_391_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._known_files: dict[str, str] = {}  # file id -> name, of files users sent
        self._file_contents: dict[str, tuple[bytes, str]] = {}  # file id -> bytes, type

        self._failures: dict[str, deque[Fault]] = {}
        self._hangs: dict[str, deque[float]] = {}

        self._events: list[TranscriptEvent] = []
        self._changes = 0
        self._changed = asyncio.Event()
        self._event_seq = itertools.count()

        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._webhook_url = ""

        # lower-case method name -> (name, handler); FakeBotAPI fills it from its methods
        self._methods: dict[str, tuple[str, MethodHandler]] = {}

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object (``from`` of every message the bot sends)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _alloc_message_id(self, chat_id: int) -> int:
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    def _notify_updates(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _enqueue(self, update: JSONDict) -> int:
        update_id = update.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            update_id = next(self._update_ids)
            update = {"update_id": update_id, **update}
        elif update_id in self._updates:
            raise ValueError(f"update_id {update_id} was already used; use redeliver()")
        else:
            self._update_ids = itertools.count(max(update_id + 1, next(self._update_ids)))
        self._updates[update_id] = update
        self._queue.append(QueuedUpdate(update_id, next(self._queue_seq)))
        self._notify_updates()
        return update_id

    def _add_event(self, chat_id: int, lines: list[str]) -> None:
        self._events.append(
            TranscriptEvent(next(self._event_seq), chat_id, time.monotonic(), lines)
        )
        self.notify_change()

    @property
    def changes(self) -> int:
        """Grows with everything a person would see change: messages, edits, answers."""
        return self._changes

    def notify_change(self) -> None:
        """Count a change and wake whoever waits in :meth:`next_change`."""
        self._changes += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def next_change(self) -> asyncio.Event:
        """An event set at the next change (messages, edits, answers, notify_change)."""
        return self._changed

    def _message_json(self, msg: SentMessage) -> JSONDict:
        chat = self._groups.get(msg.chat_id) or self._users[msg.chat_id]
        data: JSONDict = {
            "message_id": msg.message_id,
            "from": self.bot_user,
            "chat": chat.chat_dict(),
            "date": msg.date,
        }
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if msg.document is not None:
            name, content = msg.document
            data["document"] = {
                "file_id": f"BQAC-sent-{msg.chat_id}-{msg.message_id}",
                "file_unique_id": f"UBQ{msg.chat_id}x{msg.message_id}",
                "file_name": name,
                "mime_type": msg.document_mime_type or "application/octet-stream",
                "file_size": len(content),
            }
            if msg.caption:
                data["caption"] = msg.caption
                if msg.entities:
                    data["caption_entities"] = msg.entities
        elif msg.photo is not None:
            data["photo"] = [
                {
                    "file_id": msg.photo,
                    "file_unique_id": f"UAg{msg.message_id}",
                    "width": 1280,
                    "height": 960,
                }
            ]
            if msg.caption:
                data["caption"] = msg.caption
                if msg.entities:
                    data["caption_entities"] = msg.entities
        else:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        if msg.inline_markup is not None:
            data["reply_markup"] = msg.inline_markup
        return data
