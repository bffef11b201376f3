"""The Telegram Bot API emulator (real HTTP on 127.0.0.1, aiohttp.web).

The real python-telegram-bot ``Bot``/``Application`` talks to it through ``base_url``; tests
inject user input (messages, button taps) that the bot receives through ``getUpdates`` and
inspect what the bot sent. Telegram's validation rules that bots commonly trip over are
enforced with Telegram's own error descriptions, so a test that passes here is unlikely to be
rejected by the real API.

Typical use::

    async with FakeBotAPI() as fake:
        app = (
            Application.builder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        ...
        user = FakeUser(id=1001)
        fake.send_command(user, "start")
        await fake.wait_for(lambda: len(fake.messages(user.id)) == 1)
        print(fake.transcript(user.id))
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .models import ApiCall, FakeGroup, FakeUser, JSONDict, SentMessage, UploadedFile, buttons_of
from .telegram_html import HtmlParseError, parse_html, utf16_len
from .transcript import TranscriptEvent, format_bot_text, format_markup, render

__all__ = ["ApiError", "FakeBotAPI"]

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"
MESSAGE_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: BLOCKED,
    404: "Not Found",
    409: CONFLICT,
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}

# Parameters whose values are plain strings. PTB sends str values raw and JSON-encodes
# everything else; these are kept as-is so that e.g. text="123" stays a string.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "action",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "description",
        "short_description",
        "name",
        "title",
        "emoji",
        "query",
        "secret_token",
        "ip_address",
        "document",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Telegram marks "/" and 1-32 letters, digits or underscores (optionally @botname) as a command.
_BOT_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """Raised by method handlers: answered as ``{"ok": false, ...}`` with ``status``."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: JSONDict | None = None,
        *,
        fault: str | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.fault = fault


def _bad(description: str) -> ApiError:
    return ApiError(400, description)


def _error_body(status: int, description: str, parameters: JSONDict | None = None) -> JSONDict:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def _default_description(status: int, retry_after: float | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    if status in _DEFAULT_DESCRIPTIONS:
        return _DEFAULT_DESCRIPTIONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _decode_value(name: str, raw: str) -> Any:
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@dataclass
class _Fault:
    status: int
    description: str
    parameters: JSONDict | None


@dataclass
class _QueuedUpdate:
    update_id: int
    seq: int
    redelivered: bool = False
    delivered: bool = False


@dataclass
class _CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    data: str | None
    created: float  # wall clock, like Telegram's 15 s limit
    answered: bool = False
    answer: JSONDict | None = None


@dataclass
class _Poll:
    terminated: bool = False


@dataclass
class _Request:
    method: str
    params: JSONDict
    files: dict[str, UploadedFile] = field(default_factory=dict)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


class FakeBotAPI:
    """Fake Telegram Bot API server. See the module docstring for an example.

    Public state:

    * ``calls`` - every request, in arrival order (:class:`ApiCall`);
    * ``errors`` - calls rejected with a 4xx because the bot did something Telegram rejects
      (injected faults, blocked users and getUpdates conflicts excluded);
    * ``latency`` - seconds added before every request is processed;
    * ``callback_query_timeout`` - seconds after which a callback query can no longer be
      answered (Telegram: 15).
    """

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
        self._queue: list[_QueuedUpdate] = []
        self._delivery_counts: dict[int, int] = {}
        self._updates_changed = asyncio.Event()
        self._active_poll: _Poll | None = None

        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._callback_ids = itertools.count(4_391_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._known_files: dict[str, str] = {}  # file id -> name, of files users sent
        self._file_contents: dict[str, tuple[bytes, str]] = {}  # file id -> bytes, type

        self._failures: dict[str, deque[_Fault]] = {}
        self._hangs: dict[str, deque[float]] = {}

        self._events: list[TranscriptEvent] = []
        self._changes = 0
        self._changed = asyncio.Event()
        self._event_seq = itertools.count()

        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._webhook_url = ""

        self._methods: dict[str, tuple[str, Callable[[_Request], Awaitable[Any]]]] = {}
        for name, handler in (
            ("getMe", self._api_get_me),
            ("logOut", self._api_true),
            ("close", self._api_true),
            ("deleteWebhook", self._api_delete_webhook),
            ("getWebhookInfo", self._api_get_webhook_info),
            ("setMyCommands", self._api_set_my_commands),
            ("getMyCommands", self._api_get_my_commands),
            ("deleteMyCommands", self._api_delete_my_commands),
            ("setChatMenuButton", self._api_set_chat_menu_button),
            ("getChatMenuButton", self._api_get_chat_menu_button),
            ("getUpdates", self._api_get_updates),
            ("sendMessage", self._api_send_message),
            ("editMessageText", self._api_edit_message_text),
            ("editMessageReplyMarkup", self._api_edit_message_reply_markup),
            ("deleteMessage", self._api_delete_message),
            ("answerCallbackQuery", self._api_answer_callback_query),
            ("sendDocument", self._api_send_document),
            ("sendPhoto", self._api_send_photo),
            ("getFile", self._api_get_file),
            ("sendChatAction", self._api_send_chat_action),
            ("leaveChat", self._api_leave_chat),
        ):
            self._methods[name.lower()] = (name, handler)

    # ------------------------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------------------------
    async def start(self, *, port: int = 0, routes: Sequence[web.RouteDef] = ()) -> None:
        """Start serving on 127.0.0.1, on ``port`` or a random free one; ``routes`` are
        served beside the Bot API (the demo's page, bot.emulator.page)."""
        if self._runner is not None:
            raise RuntimeError("FakeBotAPI is already running")
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        app.router.add_routes(routes)
        runner = web.AppRunner(
            app,
            access_log=None,
            handler_cancellation=True,  # a client that gave up (timeout) cancels the handler
            shutdown_timeout=0.5,
        )
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        site = web.SockSite(runner, sock)
        await site.start()
        self._port = int(sock.getsockname()[1])
        self._runner = runner
        self._closing = asyncio.Event()
        self._updates_changed = asyncio.Event()

    async def stop(self) -> None:
        """Stop the server; pending long polls are answered immediately, hung requests dropped."""
        if self._runner is None:
            return
        if self._closing is not None:
            self._closing.set()
        self._notify_updates()
        runner, self._runner = self._runner, None
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotAPI is not running; call start() first")
        return self._port

    @property
    def api_root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What PTB wants as ``base_url`` (it appends the token)."""
        return f"{self.api_root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_root}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object (``from`` of every message the bot sends)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ------------------------------------------------------------------------------------
    # fault injection
    # ------------------------------------------------------------------------------------
    def _method_key(self, method: str) -> str:
        key = method.lower()
        if key not in self._methods:
            raise ValueError(f"unknown Bot API method {method!r} (not implemented by the fake)")
        return key

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: float | None = None,
        count: int = 1,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with HTTP ``status``.

        The failed calls are recorded (``fault="injected"``) but have no effect. A 429 always
        carries ``parameters.retry_after`` (default 1 s) so PTB raises ``RetryAfter``. Telegram
        only sends whole seconds; a fractional ``retry_after`` is allowed to keep tests fast.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if retry_after is not None and float(retry_after).is_integer():
            retry_after = int(retry_after)
        desc = description or _default_description(status, retry_after)
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        queue = self._failures.setdefault(self._method_key(method), deque())
        for _ in range(count):
            queue.append(_Fault(status, desc, parameters))

    def hang_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the response of the next ``count`` calls of ``method`` by ``seconds``.

        The call has no effect, like a request that never reached Telegram. A client that waits
        that long gets ``502 Bad Gateway``.
        """
        queue = self._hangs.setdefault(self._method_key(method), deque())
        for _ in range(count):
            queue.append(seconds)

    def block_user(self, user_id: int) -> None:
        """The user blocks the bot: every send to that chat fails with 403."""
        self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    # ------------------------------------------------------------------------------------
    # user side: chats and updates
    # ------------------------------------------------------------------------------------
    def add_chat(self, user: FakeUser) -> None:
        """Make ``user``'s private chat known without sending anything."""
        self._users[user.id] = user
        self._messages.setdefault(user.id, {})
        self._incoming.setdefault(user.id, {})

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
        self._queue.append(_QueuedUpdate(update_id, next(self._queue_seq)))
        self._notify_updates()
        return update_id

    def _user_message(
        self, user: FakeUser, group: FakeGroup | None = None, **content: Any
    ) -> JSONDict:
        self.add_chat(user)
        chat: FakeUser | FakeGroup = user
        if group is not None:
            self.add_group(group)
            chat = group
        message_id = self._alloc_message_id(chat.id)
        self._incoming[chat.id][message_id] = False
        return {
            "message_id": message_id,
            "from": user.to_dict(),
            "chat": chat.chat_dict(),
            "date": int(time.time()),
            **content,
        }

    def add_group(self, group: FakeGroup) -> None:
        """Make a group (or supergroup, or channel) known, the bot being a member."""
        self._groups[group.id] = group
        self._messages.setdefault(group.id, {})
        self._incoming.setdefault(group.id, {})
        self._left.discard(group.id)

    def has_left(self, chat_id: int) -> bool:
        """Whether the bot left the group (leaveChat)."""
        return chat_id in self._left

    def add_bot_to_group(self, user: FakeUser, group: FakeGroup) -> int:
        """``user`` adds the bot to ``group``: a ``my_chat_member`` update; returns its id."""
        self.add_chat(user)
        self.add_group(group)
        bot = self.bot_user
        update = {
            "my_chat_member": {
                "chat": group.chat_dict(),
                "from": user.to_dict(),
                "date": int(time.time()),
                "old_chat_member": {"user": bot, "status": "left"},
                "new_chat_member": {"user": bot, "status": "member"},
            }
        }
        self._add_event(group.id, [f"> {user.first_name} adds the bot to the group"])
        return self._enqueue(update)

    def bot_message_in_group(
        self, group: FakeGroup, text: str, buttons: list[list[tuple[str, str]]]
    ) -> SentMessage:
        """A message with inline buttons the bot once sent in ``group`` (e.g. by an older
        version); tap() works on it."""
        self.add_group(group)
        markup = {
            "inline_keyboard": [
                [{"text": t, "callback_data": d} for t, d in row] for row in buttons
            ]
        }
        msg = SentMessage(
            chat_id=group.id,
            message_id=self._alloc_message_id(group.id),
            date=int(time.time()),
            text=text,
            html=html.escape(text, quote=False),
            reply_markup=markup,
            sent_at=time.monotonic(),
        )
        self._messages[group.id][msg.message_id] = msg
        return msg

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

    def user_message_deleted(self, chat_id: int, message_id: int) -> bool:
        """Whether the bot deleted this message the user sent."""
        return self._incoming.get(chat_id, {}).get(message_id, False)

    def send_text(self, user: FakeUser, text: str, *, group: FakeGroup | None = None) -> int:
        """The user sends ``text`` (in their private chat, or in ``group``); returns the
        update_id. A leading ``/command`` gets a ``bot_command`` entity like Telegram gives
        it."""
        content: JSONDict = {"text": text}
        match = _BOT_COMMAND_RE.match(text)
        if match:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}
            ]
        message = self._user_message(user, group, **content)
        chat_id = group.id if group is not None else user.id
        who = "user" if group is None else user.first_name
        self._add_event(chat_id, format_bot_text(f"> {who}: ", text))
        return self._enqueue({"message": message})

    def send_command(self, user: FakeUser, command: str, args: str = "") -> int:
        """The user sends ``/command args``."""
        text = "/" + command.lstrip("/")
        if args:
            text += " " + args
        return self.send_text(user, text)

    def _file(self, prefix: str) -> JSONDict:
        n = next(self._file_ids)
        return {"file_id": f"{prefix}{n:08d}-fake", "file_unique_id": f"U{prefix}{n:06d}"}

    def _send_media(
        self, user: FakeUser, what: str, caption: str | None, content: JSONDict
    ) -> int:
        if caption:
            content["caption"] = caption
        message = self._user_message(user, **content)
        line = f"> user sends {what}" + (f": {caption}" if caption else "")
        self._add_event(user.id, format_bot_text("", line))
        return self._enqueue({"message": message})

    def _reply(self, user: FakeUser, reply_to: SentMessage | None) -> JSONDict:
        return {} if reply_to is None else {"reply_to_message": self._message_json(reply_to)}

    def send_photo(
        self, user: FakeUser, caption: str | None = None, reply_to: SentMessage | None = None
    ) -> int:
        sizes = [
            {**self._file("AgAC"), "width": w, "height": h, "file_size": w * h // 10}
            for w, h in ((90, 67), (320, 240), (1280, 960))
        ]
        for size in sizes:
            self._known_files[size["file_id"]] = "photo"
        what = "a photo" + (f" in reply to #{reply_to.message_id}" if reply_to else "")
        return self._send_media(
            user, what, caption, {"photo": sizes, **self._reply(user, reply_to)}
        )

    def send_sticker(self, user: FakeUser, emoji: str = "👍") -> int:
        sticker = {
            **self._file("CAAC"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._send_media(user, "a sticker", None, {"sticker": sticker})

    def send_voice(self, user: FakeUser, duration: int = 3) -> int:
        voice = {
            **self._file("AwAC"),
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 8000 * duration,
        }
        return self._send_media(user, "a voice message", None, {"voice": voice})

    def send_document(
        self,
        user: FakeUser,
        file_name: str | None = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        reply_to: SentMessage | None = None,
        content: bytes | None = None,
        file_size: int | None = None,
    ) -> int:
        """The user sends a document; with ``content`` the emulator keeps the bytes, so the
        bot can download it (getFile) and send it on by its file id with those bytes.
        ``file_name=None`` sends a document without a name (Telegram allows it);
        ``file_size`` overrides the size Telegram reports."""
        document: JSONDict = {**self._file("BQAC"), "mime_type": mime_type}
        if file_name is not None:
            document["file_name"] = file_name
        document["file_size"] = 12345 if content is None else len(content)
        if file_size is not None:
            document["file_size"] = file_size
        self._known_files[document["file_id"]] = file_name or "document"
        if content is not None:
            self._file_contents[document["file_id"]] = (content, mime_type)
        return self._send_media(
            user,
            f"a document {file_name if file_name is not None else 'without a name'}"
            + (f" in reply to #{reply_to.message_id}" if reply_to else ""),
            caption,
            {"document": document, **self._reply(user, reply_to)},
        )

    def tap(
        self,
        user: FakeUser,
        message: int | SentMessage,
        button_text: str | None = None,
        *,
        data: str | None = None,
    ) -> tuple[int, str]:
        """The user taps an inline button of a message the bot sent to them.

        Pick the button by its text, or pass ``data`` to forge arbitrary callback data (with
        ``button_text`` too, the button must exist but ``data`` is sent instead of its own).
        Returns ``(update_id, callback_query_id)``. Raises ``LookupError`` if the message or
        the button does not exist (or the message was deleted).
        """
        message_id = message.message_id if isinstance(message, SentMessage) else message
        chat_id = message.chat_id if isinstance(message, SentMessage) else user.id
        msg = self._messages.get(chat_id, {}).get(message_id)
        if msg is None or msg.deleted:
            raise LookupError(f"no message #{message_id} from the bot in chat {chat_id}")
        label: str
        if button_text is not None:
            found = [
                b for row in buttons_of(msg.inline_markup) for b in row if b[0] == button_text
            ]
            if not found:
                raise LookupError(
                    f"message #{message_id} has no inline button {button_text!r}; "
                    f"buttons: {buttons_of(msg.inline_markup)}"
                )
            if data is None:
                data = found[0][1]
                if data is None:
                    raise LookupError(f"button {button_text!r} has no callback_data")
            label = f"> user taps [{button_text}]"
        elif data is not None:
            label = f"> user taps a button with callback data {data!r}"
        else:
            raise ValueError("tap() needs button_text or data")
        self.add_chat(user)
        query_id = str(next(self._callback_ids))
        self._callback_queries[query_id] = _CallbackQuery(
            query_id, chat_id, message_id, data, time.time()
        )
        update = {
            "callback_query": {
                "id": query_id,
                "from": user.to_dict(),
                "message": self._message_json(msg),
                "chat_instance": str(-(10**12) - user.id),
                "data": data,
            }
        }
        self._add_event(chat_id, [label])
        return self._enqueue(update), query_id

    def inject(self, update: JSONDict) -> int:
        """Queue a raw update dict (``update_id`` is assigned when missing); returns its id."""
        update = dict(update)
        chat_id: int | None = None
        for key in ("message", "edited_message", "callback_query", "my_chat_member"):
            payload = update.get(key)
            if not isinstance(payload, dict):
                continue
            sender = payload.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                chat_id = int(sender["id"])
                if chat_id not in self._users:
                    self.add_chat(
                        FakeUser(
                            id=chat_id,
                            first_name=str(sender.get("first_name", "Test")),
                            language_code=sender.get("language_code"),
                            username=sender.get("username"),
                        )
                    )
            if chat_id is not None:
                text = payload.get("text")
                if isinstance(text, str):
                    self._add_event(chat_id, format_bot_text("> user: ", text))
                else:
                    self._add_event(chat_id, [f"> user sends a raw {key} update"])
            break
        return self._enqueue(update)

    def redeliver(self, update_id: int) -> int:
        """Queue the exact same update again (same id), as Telegram does when the offset was
        never confirmed. It is returned by the next getUpdates even if its offset passed it."""
        if update_id not in self._updates:
            raise LookupError(f"unknown update_id {update_id}")
        self._queue.append(_QueuedUpdate(update_id, next(self._queue_seq), redelivered=True))
        self._notify_updates()
        return update_id

    def update(self, update_id: int) -> JSONDict:
        """The update dict that was queued under ``update_id``."""
        return self._updates[update_id]

    def update_ids(self) -> list[int]:
        """Every update queued so far, in order."""
        return sorted(self._updates)

    def pending_updates(self) -> list[int]:
        """Ids of updates still in the queue (not yet confirmed through ``offset``)."""
        return [q.update_id for q in sorted(self._queue, key=lambda q: (q.update_id, q.seq))]

    # ------------------------------------------------------------------------------------
    # inspection
    # ------------------------------------------------------------------------------------
    @property
    def errors(self) -> list[ApiCall]:
        return [c for c in self.calls if 400 <= c.status < 500 and c.fault is None]

    def clear_calls(self) -> None:
        self.calls.clear()

    def calls_to(self, method: str) -> list[ApiCall]:
        key = method.lower()
        return [c for c in self.calls if c.method.lower() == key]

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to ``chat_id`` (current state, deleted ones included)."""
        return sorted(self._messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def last_message(self, chat_id: int) -> SentMessage:
        """The bot's most recent non-deleted message in ``chat_id`` (LookupError if none)."""
        for msg in reversed(self.messages(chat_id)):
            if not msg.deleted:
                return msg
        raise LookupError(f"the bot has no (undeleted) message in chat {chat_id}")

    def button_texts(self, message: SentMessage) -> list[str]:
        return message.button_texts

    def unanswered_callback_queries(self) -> list[str]:
        return [q.id for q in self._callback_queries.values() if not q.answered]

    def callback_answer(self, query_id: str) -> JSONDict | None:
        """The parameters of the answerCallbackQuery call for ``query_id`` (None if none)."""
        query = self._callback_queries.get(query_id)
        return None if query is None else query.answer

    def is_blocked(self, user_id: int) -> bool:
        return user_id in self._blocked

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        return list(self._commands.get(self._scope_key(scope, language_code), []))

    def transcript(self, chat_id: int) -> str:
        return render(e for e in self._events if e.chat_id == chat_id)

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10,  # noqa: ASYNC109 - part of the public API
        *,
        message: str = "",
    ) -> None:
        """Poll ``predicate`` until it is true; ``TimeoutError`` after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise TimeoutError(message or f"condition not met within {timeout} s")
            await asyncio.sleep(0.005)

    def _is_delivered(self, update_id: int) -> bool:
        if self._delivery_counts.get(update_id, 0) == 0:
            return False
        return not any(q.update_id == update_id and not q.delivered for q in self._queue)

    async def wait_delivered(
        self,
        update_id: int,
        timeout: float = 10,  # noqa: ASYNC109 - part of the public API
    ) -> None:
        """Wait until update ``update_id`` (and any redelivery of it) was returned by
        getUpdates."""
        await self.wait_for(
            lambda: self._is_delivered(update_id),
            timeout,
            message=f"update {update_id} not delivered within {timeout} s",
        )

    # ------------------------------------------------------------------------------------
    # HTTP plumbing
    # ------------------------------------------------------------------------------------
    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
        params: JSONDict = {}
        files: dict[str, UploadedFile] = {}
        for key, value in request.query.items():
            params[key] = _decode_value(key, value)
        if not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("Bad Request: can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise _bad("Bad Request: JSON object expected")
            params.update(body)
        elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, part in form.items():
                if isinstance(part, web.FileField):
                    files[key] = UploadedFile(
                        key, part.filename, part.file.read(), part.content_type
                    )
                elif isinstance(part, bytes | bytearray):
                    params[key] = _decode_value(key, bytes(part).decode("utf-8", "replace"))
                else:
                    params[key] = _decode_value(key, part)
        return params, files

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but return early when the server is stopping."""
        if seconds <= 0:
            return
        closing = self._closing
        if closing is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), seconds)

    def _record(
        self,
        request: web.Request,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        arrived: float,
    ) -> ApiCall:
        call = ApiCall(method, params, 0, {}, arrived, files, None, request.method)
        self.calls.append(call)
        return call

    def _complete(
        self, call: ApiCall, status: int, body: JSONDict, fault: str | None = None
    ) -> web.Response:
        call.status = status
        call.response = body
        call.fault = fault
        if status != 200 and fault != "hang":  # hangs are logged when they start
            self._error_event(call)
        return web.json_response(body, status=status)

    def _error_event(self, call: ApiCall) -> None:
        chat_id = self._call_chat(call)
        if chat_id is None:
            return
        what = " (injected fault)" if call.fault == "injected" else ""
        self._add_event(
            chat_id,
            [f"! {call.method} failed{what}: {call.status} {call.description or ''}".rstrip()],
        )

    def _call_chat(self, call: ApiCall) -> int | None:
        chat_id = _as_int(call.params.get("chat_id"))
        if chat_id is None and "callback_query_id" in call.params:
            query = self._callback_queries.get(str(call.params["callback_query_id"]))
            chat_id = query.chat_id if query else None
        return chat_id

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        token = request.match_info["token"]
        raw_method = request.match_info["method"]
        entry = self._methods.get(raw_method.lower())
        method = entry[0] if entry else raw_method
        try:
            params, files = await self._read_params(request)
        except ApiError as exc:
            call = self._record(request, method, {}, {}, arrived)
            return self._complete(call, exc.status, _error_body(exc.status, exc.description))
        call = self._record(request, method, params, files, arrived)

        await self._sleep(self.latency)
        if token != self.token:
            return self._complete(call, 401, _error_body(401, "Unauthorized"))
        if entry is None:
            return self._complete(call, 404, _error_body(404, "Not Found"))
        key = raw_method.lower()

        hangs = self._hangs.get(key)
        if hangs:
            seconds = hangs.popleft()
            call.fault = "hang"
            chat_id = self._call_chat(call)
            if chat_id is not None:
                self._add_event(chat_id, [f"! {method} hung for {seconds:g} s (no effect)"])
            await self._sleep(seconds)
            return self._complete(call, 502, _error_body(502, "Bad Gateway"), "hang")

        failures = self._failures.get(key)
        if failures:
            fault = failures.popleft()
            body = _error_body(fault.status, fault.description, fault.parameters)
            return self._complete(call, fault.status, body, "injected")

        if self.intercept is not None and await self.intercept(call, "before"):
            return self._complete(call, 502, _error_body(502, "Bad Gateway"), "dropped")
        try:
            result = await entry[1](_Request(method, params, files))
        except ApiError as exc:
            body = _error_body(exc.status, exc.description, exc.parameters)
            return self._complete(call, exc.status, body, exc.fault)
        if self.intercept is not None:
            call.response = {"ok": True, "result": result}
            await self.intercept(call, "after")
        return self._complete(call, 200, {"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        """A file's bytes by the ``file_path`` getFile gave (files users sent with content)."""
        path = request.match_info["path"]
        found = self._file_contents.get(path.removeprefix("documents/"))
        if request.match_info["token"] != self.token or found is None:
            return web.json_response(_error_body(404, "Not Found"), status=404)
        return web.Response(body=found[0], content_type=found[1])

    async def _api_get_file(self, req: _Request) -> Any:
        file_id = req.params.get("file_id")
        if not isinstance(file_id, str) or file_id not in self._known_files:
            raise _bad("Bad Request: invalid file_id")
        data: JSONDict = {"file_id": file_id, "file_unique_id": f"U{file_id}"}
        if file_id in self._file_contents:
            data["file_size"] = len(self._file_contents[file_id][0])
            data["file_path"] = f"documents/{file_id}"
        return data

    # ------------------------------------------------------------------------------------
    # helpers for method handlers
    # ------------------------------------------------------------------------------------
    def _chat(self, params: JSONDict, *, sending: bool = True) -> FakeUser | FakeGroup:
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise _bad("Bad Request: chat_id is empty")
        chat_id = _as_int(params["chat_id"])
        if chat_id is not None and chat_id in self._groups:
            if chat_id in self._left:
                raise ApiError(403, "Forbidden: bot is not a member of the group chat")
            return self._groups[chat_id]
        if chat_id is None or chat_id not in self._users:
            raise _bad(CHAT_NOT_FOUND)
        if sending and chat_id in self._blocked:
            raise ApiError(403, BLOCKED, fault="blocked")
        return self._users[chat_id]

    @staticmethod
    def _message_id(params: JSONDict) -> int:
        message_id = _as_int(params.get("message_id"))
        if message_id is None:
            raise _bad("Bad Request: message identifier is not specified")
        return message_id

    @staticmethod
    def _format(
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        allow_empty: bool,
    ) -> tuple[str, str, str | None, list[JSONDict]]:
        """Returns (plain text, html source, parse mode, entities) or raises ApiError."""
        if text is None:
            text = ""
        if not isinstance(text, str):
            text = json.dumps(text) if not isinstance(text, int | float) else str(text)
        mode = parse_mode if isinstance(parse_mode, str) and parse_mode else None
        if mode is None:
            plain, source = text, html.escape(text, quote=False)
            parsed_entities = list(entities) if isinstance(entities, list) else []
        elif mode.lower() == "html":
            try:
                parsed = parse_html(text)
            except HtmlParseError as exc:
                raise _bad(exc.description) from None
            plain, source, parsed_entities = parsed.text, text, parsed.entities
        elif mode.lower() in ("markdown", "markdownv2"):
            # Not validated by the fake: the text is stored as sent.
            plain, source, parsed_entities = text, html.escape(text, quote=False), []
        else:
            raise _bad("Bad Request: unsupported parse_mode")
        if not allow_empty and not plain.strip():
            raise _bad(MESSAGE_TEXT_EMPTY)
        if utf16_len(plain.strip()) > limit:
            raise _bad(too_long)
        return plain, source, mode, parsed_entities

    @staticmethod
    def _validate_markup(raw: Any, *, inline_only: bool = False) -> JSONDict | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raise _bad("Bad Request: can't parse reply keyboard markup JSON object") from None
        if not isinstance(raw, dict):
            raise _bad("Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in raw:
            rows = raw["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be '
                    "an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    FakeBotAPI._validate_inline_button(button)
            return raw
        if inline_only:
            raise _bad("Bad Request: inline keyboard expected")
        if "keyboard" in raw:
            rows = raw["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should be an Array '
                    "of Arrays"
                )
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else None
                    if isinstance(button, dict):
                        text = button.get("text")
                    if not isinstance(text, str) or not text:
                        raise _bad(
                            "Bad Request: can't parse keyboard button: Text must be non-empty"
                        )
            return raw
        if "remove_keyboard" in raw:
            if raw["remove_keyboard"] is not True:
                raise _bad('Bad Request: field "remove_keyboard" must be true')
            return raw
        if "force_reply" in raw:
            if raw["force_reply"] is not True:
                raise _bad('Bad Request: field "force_reply" must be true')
            return raw
        raise _bad("Bad Request: can't parse reply keyboard markup JSON object")

    @staticmethod
    def _validate_inline_button(button: Any) -> None:
        prefix = "Bad Request: can't parse inline keyboard button: "
        if not isinstance(button, dict):
            raise _bad(prefix + "InlineKeyboardButton must be an Object")
        if "text" not in button:
            raise _bad(prefix + 'Can\'t find field "text"')
        if not isinstance(button["text"], str):
            raise _bad(prefix + 'Field "text" must be of type String')
        if not button["text"].strip():
            raise _bad("Bad Request: BUTTON_TEXT_INVALID")
        actions = [a for a in _INLINE_BUTTON_ACTIONS if a in button]
        if not actions:
            raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise _bad(prefix + f"exactly one of the optional fields must be used, got {actions}")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str):
                raise _bad(prefix + 'Field "callback_data" must be of type String')
            if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                raise _bad(BUTTON_DATA_INVALID)
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str):
                raise _bad(prefix + 'Field "url" must be of type String')
            if not re.match(r"^(https?|tg)://\S+$", url, re.IGNORECASE):
                raise _bad("Bad Request: BUTTON_URL_INVALID")

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

    def _bot_message_event(self, msg: SentMessage) -> None:
        self._add_event(
            msg.chat_id, format_bot_text("< bot: ", msg.text) + format_markup(msg.reply_markup)
        )

    def _sent(self, chat: FakeUser | FakeGroup, message_id: int) -> SentMessage | None:
        msg = self._messages.get(chat.id, {}).get(message_id)
        return None if msg is None or msg.deleted else msg

    @staticmethod
    def _scope_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) and scope else {"type": "default"}
        lang = language_code if isinstance(language_code, str) else ""
        return json.dumps(scope, sort_keys=True), lang

    # ------------------------------------------------------------------------------------
    # Bot API methods
    # ------------------------------------------------------------------------------------
    async def _api_true(self, req: _Request) -> Any:
        return True

    async def _api_get_me(self, req: _Request) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_delete_webhook(self, req: _Request) -> Any:
        self._webhook_url = ""
        if _as_bool(req.params.get("drop_pending_updates", False)):
            self._queue.clear()
        return True

    async def _api_get_webhook_info(self, req: _Request) -> Any:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _api_set_my_commands(self, req: _Request) -> Any:
        commands = req.params.get("commands")
        if not isinstance(commands, list):
            raise _bad("Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("Bad Request: too many commands")
        clean: list[JSONDict] = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("Bad Request: can't parse BotCommand")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND_NAME_RE.match(command):
                raise _bad("Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        self._commands[key] = clean
        return True

    async def _api_get_my_commands(self, req: _Request) -> Any:
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        return self._commands.get(key, [])

    async def _api_delete_my_commands(self, req: _Request) -> Any:
        key = self._scope_key(req.params.get("scope"), req.params.get("language_code"))
        self._commands.pop(key, None)
        return True

    async def _api_set_chat_menu_button(self, req: _Request) -> Any:
        chat_id: int | None = None
        if "chat_id" in req.params:
            chat_id = self._chat(req.params, sending=False).id
        button = req.params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("Bad Request: can't parse menu button")
        self._menu_buttons[chat_id] = button
        return True

    async def _api_get_chat_menu_button(self, req: _Request) -> Any:
        chat_id: int | None = None
        if "chat_id" in req.params:
            chat_id = self._chat(req.params, sending=False).id
        return self._menu_buttons.get(chat_id, self._menu_buttons.get(None, {"type": "commands"}))

    async def _api_get_updates(self, req: _Request) -> Any:
        params = req.params
        offset = _as_int(params.get("offset")) or 0
        limit = _as_int(params.get("limit")) or 100
        limit = max(1, min(100, limit))
        try:
            timeout = float(params.get("timeout") or 0)
        except (TypeError, ValueError):
            timeout = 0.0
        timeout = max(0.0, timeout)

        if self._active_poll is not None:  # Telegram terminates the older long poll
            self._active_poll.terminated = True
            self._notify_updates()
        poll = _Poll()
        self._active_poll = poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            self._confirm(offset)
            while True:
                ready = sorted(self._queue, key=lambda q: (q.update_id, q.seq))[:limit]
                if ready or self._closing is None or self._closing.is_set():
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                changed = self._updates_changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
                if poll.terminated:
                    raise ApiError(409, CONFLICT, fault="conflict")
        finally:
            if self._active_poll is poll:
                self._active_poll = None
        for entry in ready:
            entry.delivered = True
            self._delivery_counts[entry.update_id] = (
                self._delivery_counts.get(entry.update_id, 0) + 1
            )
        return [self._updates[entry.update_id] for entry in ready]

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._queue = [
                q
                for q in self._queue
                if q.update_id >= offset or (q.redelivered and not q.delivered)
            ]
        elif offset < 0:
            ordered = sorted(self._queue, key=lambda q: (q.update_id, q.seq))
            self._queue = ordered[offset:]

    async def _api_send_message(self, req: _Request) -> Any:
        p = req.params
        chat = self._chat(p)
        text, source, mode, entities = self._format(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            too_long=MESSAGE_TOO_LONG,
            allow_empty=False,
        )
        markup = self._validate_markup(p.get("reply_markup"))
        msg = SentMessage(
            chat_id=chat.id,
            message_id=self._alloc_message_id(chat.id),
            date=int(time.time()),
            text=text,
            html=source,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            sent_at=time.monotonic(),
        )
        self._messages.setdefault(chat.id, {})[msg.message_id] = msg
        self._bot_message_event(msg)
        return self._message_json(msg)

    async def _api_send_document(self, req: _Request) -> Any:
        p = req.params
        chat = self._chat(p)
        upload = req.files.get("document")
        if upload is not None:
            name, content, mime = upload.filename, upload.content, upload.content_type
        elif isinstance(p.get("document"), str) and p["document"] in self._known_files:
            # Sent again by file id: Telegram keeps the file's name.
            name = self._known_files[p["document"]]
            content, mime = self._file_contents.get(p["document"], (b"", None))
        elif isinstance(p.get("document"), str) and p["document"]:
            if not p["document"].startswith(("http://", "https://", "attach://")):
                raise _bad("Bad Request: wrong file identifier/HTTP URL specified")
            name, content, mime = str(p["document"]), b"", None
        else:
            raise _bad("Bad Request: there is no document in the request")
        return self._bot_sends_media(
            chat,
            p,
            f"< bot sends document {name}",
            document=(name, content),
            document_mime_type=mime,
        )

    def _bot_sends_media(
        self, chat: FakeUser | FakeGroup, p: JSONDict, event: str, **media: Any
    ) -> Any:
        """A document or photo with its caption and keyboard, checked as Telegram does."""
        caption, source, mode, entities = self._format(
            p.get("caption"),
            p.get("parse_mode"),
            p.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long=CAPTION_TOO_LONG,
            allow_empty=True,
        )
        markup = self._validate_markup(p.get("reply_markup"))
        msg = SentMessage(
            chat_id=chat.id,
            message_id=self._alloc_message_id(chat.id),
            date=int(time.time()),
            text="",
            html=source,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            caption=caption or None,
            sent_at=time.monotonic(),
            **media,
        )
        self._messages.setdefault(chat.id, {})[msg.message_id] = msg
        lines = [event]
        if caption:
            lines += format_bot_text("   caption: ", caption)
        self._add_event(chat.id, lines + format_markup(markup))
        return self._message_json(msg)

    async def _api_send_photo(self, req: _Request) -> Any:
        """A photo by the file id of one a user sent (uploads are not needed by the bot)."""
        p = req.params
        chat = self._chat(p)
        file_id = p.get("photo")
        if not isinstance(file_id, str) or self._known_files.get(file_id) != "photo":
            raise _bad("Bad Request: wrong file identifier/HTTP URL specified")
        return self._bot_sends_media(chat, p, "< bot sends a photo", photo=file_id)

    def _edit_target(self, p: JSONDict) -> SentMessage:
        if "inline_message_id" in p:
            raise _bad("Bad Request: inline_message_id is not supported by the fake Bot API")
        chat = self._chat(p)
        msg = self._sent(chat, self._message_id(p))
        if msg is None:
            raise _bad(EDIT_NOT_FOUND)
        return msg

    async def _api_edit_message_text(self, req: _Request) -> Any:
        p = req.params
        msg = self._edit_target(p)
        if msg.document is not None or msg.photo is not None:
            raise _bad("Bad Request: there is no text in the message to edit")
        text, source, mode, entities = self._format(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            too_long=MESSAGE_TOO_LONG,
            allow_empty=False,
        )
        markup = self._validate_markup(p.get("reply_markup"), inline_only=True)
        if text == msg.text and entities == msg.entities and markup == msg.inline_markup:
            raise _bad(NOT_MODIFIED)
        msg.history.append(msg.text)
        msg.text, msg.html, msg.parse_mode, msg.entities = text, source, mode, entities
        if markup is not None or msg.inline_markup is not None:
            msg.reply_markup = markup
        msg.edits += 1
        msg.edit_date = int(time.time())
        self._add_event(
            msg.chat_id,
            format_bot_text(f"< bot edits #{msg.message_id}: ", text) + format_markup(markup),
        )
        return self._message_json(msg)

    async def _api_edit_message_reply_markup(self, req: _Request) -> Any:
        p = req.params
        msg = self._edit_target(p)
        markup = self._validate_markup(p.get("reply_markup"), inline_only=True)
        if markup == msg.inline_markup:
            raise _bad(NOT_MODIFIED)
        msg.reply_markup = markup
        msg.edits += 1
        msg.edit_date = int(time.time())
        if markup is None:
            lines = [f"< bot edits #{msg.message_id}: (buttons removed)"]
        else:
            lines = [f"< bot edits #{msg.message_id} buttons:", *format_markup(markup)]
        self._add_event(msg.chat_id, lines)
        return self._message_json(msg)

    async def _api_delete_message(self, req: _Request) -> Any:
        p = req.params
        chat = self._chat(p, sending=False)
        message_id = self._message_id(p)
        msg = self._sent(chat, message_id)
        if msg is not None:
            msg.deleted = True
            self._add_event(chat.id, [f"< bot deletes #{message_id}"])
            return True
        incoming = self._incoming.get(chat.id, {})
        if incoming.get(message_id) is False:
            incoming[message_id] = True
            self._add_event(chat.id, [f"< bot deletes the user's message #{message_id}"])
            return True
        raise _bad(DELETE_NOT_FOUND)

    async def _api_answer_callback_query(self, req: _Request) -> Any:
        p = req.params
        query_id = str(p.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if (
            query is None
            or query.answered
            or time.time() - query.created > self.callback_query_timeout
        ):
            raise _bad(QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and not isinstance(text, str):
            text = str(text)
        if text and len(text) > 200:
            raise _bad("Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = dict(p)
        if text:
            kind = "alert" if _as_bool(p.get("show_alert", False)) else "toast"
            self._add_event(query.chat_id, format_bot_text(f"< bot ({kind}): ", text))
        return True

    async def _api_leave_chat(self, req: _Request) -> Any:
        chat = self._chat(req.params, sending=False)
        if chat.id not in self._groups:
            raise _bad("Bad Request: chat member status can't be changed in private chats")
        self._left.add(chat.id)
        self._add_event(chat.id, ["< bot leaves the group"])
        return True

    async def _api_send_chat_action(self, req: _Request) -> Any:
        p = req.params
        self._chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("Bad Request: wrong parameter action in request")
        return True
