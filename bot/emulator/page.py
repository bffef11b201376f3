"""A web page beside the emulator that shows chosen people's chats like phones.

It serves a folder of static files (the demo's page, bot/demo/web) and a small JSON API:

* ``GET /api/state?since=N`` - every chat as it looks now (each message with its time and
  day, and which of its buttons wait for the bot's answer), the clock and the tour; waits
  (up to ~20 s) until something changed after version ``N``;
* ``POST /api/chats/{chat}/text`` ``{"text": ...}`` - the person types and sends a message;
* ``POST /api/chats/{chat}/tap`` ``{"message_id", "row", "column"}`` - taps an inline button
  (the state lists it under ``waiting`` until the bot answers it, like Telegram's spinner);
* ``POST /api/chats/{chat}/start`` - opens the person's deep link (``/start CODE``);
* ``POST /api/chats/{chat}/document`` (multipart ``file``, optional ``reply_to``) - sends a
  document from the computer;
* ``GET /api/chats/{chat}/messages/{id}/document`` - downloads a document in the chat;
* ``POST /api/clock`` ``{"step": ...}`` - asks the owner of the page to move its clock.

Nothing here knows the bot: the owner (bot.demo) passes the chats, the page's words (and
each chat's, in the language of its owner), how a time reads, the clock control and the
tour's items.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from .models import FakeUser, JSONDict, SentMessage
from .rendering import entities_to_html
from .server import FakeBotAPI

__all__ = ["ChatPage", "PageChat"]

STATE_WAIT = 20.0
TAP_PENDING = 15.0  # Telegram shows a tapped button as loading until answered, at most this
MAX_TEXT = 10_000
MAX_UPLOAD = 20 * 1024 * 1024  # Telegram's limit for files a bot can download
# The page may load only its own files: no script, style or font from anywhere else.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class PageChat:
    """One person whose chat with the bot the page shows."""

    user: FakeUser
    title: str
    subtitle: str
    start_code: str | None = None
    """What their deep link carries (``t.me/bot?start=CODE``), if they have one."""
    uploads: bool = False
    """Whether the page offers to send a file from the computer (staff: the dossier copy)."""
    tab: str | None = None
    """A short name for the chat's tab on a small screen (the title when None)."""


@dataclass
class _UserMessage:
    message_id: int
    date: int
    text: str
    document: str | None = None


@dataclass
class _Tap:
    message_id: int
    row: int
    column: int
    at: float  # time.monotonic()


@dataclass
class _ChatLog:
    sent: list[_UserMessage] = field(default_factory=list)
    taps: dict[str, _Tap] = field(default_factory=dict)  # by callback query id


Stamp = Callable[[int, str | None], tuple[str, str]]
"""A message's date (Unix time) in a language -> (its time, its day), e.g. ("09:14",
"Today"); the day heads the messages of that day."""


class ChatPage:
    def __init__(
        self,
        fake: FakeBotAPI,
        chats: list[PageChat],
        static: Path,
        *,
        labels: dict[str, str],
        clock: Callable[[], JSONDict],
        move_clock: Callable[[str], Awaitable[None]],
        chrome: dict[str, dict[str, str]] | None = None,
        stamp: Stamp | None = None,
    ) -> None:
        """``labels`` are the page's own words; ``chrome`` a chat's words (edited, download,
        ...) by the language of its owner (``FakeUser.language_code``), ``labels`` when a
        language is missing; ``clock()`` what the clock shows (``{"text": ...}`` and what
        the owner adds) and ``move_clock(step)`` moves it."""
        self.fake = fake
        self.chats = {c.user.id: c for c in chats}
        self._order = [c.user.id for c in chats]
        self.static = static
        self.labels = labels
        self.chrome = chrome or {}
        self._clock_state = clock
        self._move_clock = move_clock
        self._stamp = stamp
        self._logs = {c.user.id: _ChatLog() for c in chats}
        self.tour: list[JSONDict] = []
        for chat in chats:
            fake.add_chat(chat.user)

    def set_tour(self, items: list[JSONDict]) -> None:
        """What the page's tour lists (``{"id", "text", "done"}`` each); shown at once."""
        if items != self.tour:
            self.tour = items
            self.fake.notify_change()

    def add(self, chat: PageChat) -> None:
        """Show one more chat, after the others."""
        self.chats[chat.user.id] = chat
        self._order.append(chat.user.id)
        self._logs[chat.user.id] = _ChatLog()
        self.fake.add_chat(chat.user)
        self.fake.notify_change()

    @property
    def version(self) -> int:
        return self.fake.changes

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self._index),
            web.get("/app.css", self._static_file),
            web.get("/app.js", self._static_file),
            web.get("/api/state", self._state),
            web.post("/api/chats/{chat}/text", self._text),
            web.post("/api/chats/{chat}/tap", self._tap),
            web.post("/api/chats/{chat}/start", self._start),
            web.post("/api/chats/{chat}/document", self._upload),
            web.get("/api/chats/{chat}/messages/{message}/document", self._download),
            web.post("/api/clock", self._clock),
        ]

    # -- the person's actions, also for code that drives the page without a browser --
    def send_text(self, chat_id: int, text: str, *, shown: str | None = None) -> int:
        """The person sends ``text``; their chat shows ``shown`` instead when given (a deep
        link sends ``/start CODE`` but Telegram shows ``/start``)."""
        chat = self._chat(chat_id)
        update_id = self.fake.send_text(chat.user, text)
        self._remember(chat_id, update_id, text if shown is None else shown)
        return update_id

    def _remember(self, chat_id: int, update_id: int, text: str, doc: str | None = None) -> None:
        message = self.fake.update(update_id)["message"]
        self._logs[chat_id].sent.append(
            _UserMessage(int(message["message_id"]), int(message["date"]), text, doc)
        )

    def _chat(self, chat_id: int) -> PageChat:
        try:
            return self.chats[chat_id]
        except KeyError:
            raise web.HTTPNotFound(text="no such chat") from None

    def _bot_message(self, chat_id: int, message_id: int) -> SentMessage:
        for message in self.fake.messages(chat_id):
            if message.message_id == message_id and not message.deleted:
                return message
        raise web.HTTPNotFound(text="no such message")

    # -- HTTP --
    @staticmethod
    def _headers() -> dict[str, str]:
        return {
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        }

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return self._file("index.html")

    async def _static_file(self, request: web.Request) -> web.StreamResponse:
        return self._file(request.path.lstrip("/"))

    def _file(self, name: str) -> web.Response:
        path = self.static / name
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return web.Response(
            body=path.read_bytes(), content_type=kind, charset="utf-8", headers=self._headers()
        )

    def _json(self, data: Any, status: int = 200) -> web.Response:
        return web.json_response(data, status=status, headers=self._headers())

    @staticmethod
    def _chat_id(request: web.Request) -> int:
        try:
            return int(request.match_info["chat"])
        except ValueError:
            raise web.HTTPNotFound(text="no such chat") from None

    @staticmethod
    async def _body(request: web.Request) -> JSONDict:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="JSON expected") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return body

    async def _state(self, request: web.Request) -> web.Response:
        try:
            since = int(request.query.get("since", "-1"))
        except ValueError:
            since = -1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STATE_WAIT
        while self.version == since:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.fake.next_change().wait(), remaining)
        return self._json(self.state())

    def state(self) -> JSONDict:
        return {
            "version": self.version,
            "labels": self.labels,
            "chrome": self.chrome,
            "clock": self._clock_state(),
            "tour": self.tour,
            "chats": [self._chat_state(self.chats[c]) for c in self._order],
        }

    def _when(self, date: int, language: str | None) -> JSONDict:
        if self._stamp is None:
            return {"date": date}
        at, day = self._stamp(date, language)
        return {"date": date, "time": at, "day": day}

    def _chat_state(self, chat: PageChat) -> JSONDict:
        chat_id = chat.user.id
        log = self._logs[chat_id]
        items: list[tuple[int, JSONDict]] = []
        for sent in log.sent:
            if self.fake.user_message_deleted(chat_id, sent.message_id):
                continue
            item: JSONDict = {
                "id": sent.message_id,
                "from": "user",
                "html": "",
                **self._when(sent.date, chat.user.language_code),
            }
            if sent.document is not None:
                item["document"] = {"name": sent.document, "url": None}
            else:
                item["html"] = entities_to_html(sent.text, [])
            items.append((sent.message_id, item))
        for message in self.fake.messages(chat_id):
            if not message.deleted:
                item = self._message_state(chat_id, message)
                item.update(self._when(message.date, chat.user.language_code))
                items.append((message.message_id, item))
        now = time.monotonic()
        waiting = [
            {"query": query_id, "message": tap.message_id, "row": tap.row, "column": tap.column}
            for query_id, tap in log.taps.items()
            if self.fake.callback_answer(query_id) is None and now - tap.at < TAP_PENDING
        ]
        toasts = []
        for query_id in log.taps:
            answer = self.fake.callback_answer(query_id)
            if answer and answer.get("text"):
                toasts.append(
                    {
                        "id": query_id,
                        "text": str(answer["text"]),
                        "alert": str(answer.get("show_alert", "")).lower() in ("true", "1"),
                    }
                )
        return {
            "id": chat_id,
            "title": chat.title,
            "tab": chat.tab or chat.title,
            "subtitle": chat.subtitle,
            "language": chat.user.language_code,
            "deep_link": chat.start_code is not None,
            "uploads": chat.uploads,
            "commands": self._commands(chat.user),
            "messages": [item for _, item in sorted(items, key=lambda pair: pair[0])],
            "waiting": waiting,
            "toasts": toasts,
        }

    def _message_state(self, chat_id: int, message: SentMessage) -> JSONDict:
        text = message.caption or "" if message.document is not None else message.text
        data: JSONDict = {
            "id": message.message_id,
            "from": "bot",
            "html": entities_to_html(text, message.entities),
            "edited": bool(message.history),
            "buttons": [
                [
                    {"text": str(b.get("text", "")), "url": b.get("url")}
                    for b in row
                    if isinstance(b, dict)
                ]
                for row in (message.inline_markup or {}).get("inline_keyboard", [])
            ],
        }
        if message.document is not None:
            name, content = message.document
            data["document"] = {
                "name": name,
                "size": len(content),
                "url": f"/api/chats/{chat_id}/messages/{message.message_id}/document",
            }
        return data

    def _commands(self, user: FakeUser) -> list[JSONDict]:
        """The menu Telegram would show this person: the narrowest scope that has one."""
        scopes: list[JSONDict] = [
            {"type": "chat", "chat_id": user.id},
            {"type": "all_private_chats"},
            {"type": "default"},
        ]
        for scope in scopes:
            for language in (user.language_code or "", ""):
                found = self.fake.commands(scope, language)
                if found:
                    return found
        return []

    async def _text(self, request: web.Request) -> web.Response:
        chat_id = self._chat_id(request)
        text = str((await self._body(request)).get("text", ""))
        if not text.strip() or len(text) > MAX_TEXT:
            raise web.HTTPBadRequest(text="text must be 1 to 10,000 characters")
        self.send_text(chat_id, text)
        return self._json({"ok": True})

    async def _start(self, request: web.Request) -> web.Response:
        chat = self._chat(self._chat_id(request))
        if chat.start_code is None:
            raise web.HTTPNotFound(text="no deep link")
        self.send_text(chat.user.id, f"/start {chat.start_code}", shown="/start")
        return self._json({"ok": True})

    async def _tap(self, request: web.Request) -> web.Response:
        chat = self._chat(self._chat_id(request))
        body = await self._body(request)
        try:
            message = self._bot_message(chat.user.id, int(body["message_id"]))
            row = message.buttons[int(body["row"])]
            text, data = row[int(body["column"])]
        except (KeyError, IndexError, TypeError, ValueError):
            raise web.HTTPNotFound(text="no such button") from None
        if data is None:
            raise web.HTTPBadRequest(text="not a callback button")
        _, query_id = self.fake.tap(chat.user, message, text, data=data)
        row_index, column = int(body["row"]), int(body["column"])
        self._logs[chat.user.id].taps[query_id] = _Tap(
            message.message_id, row_index, column, time.monotonic()
        )
        return self._json({"ok": True, "query": query_id, "version": self.version})

    async def _upload(self, request: web.Request) -> web.Response:
        chat = self._chat(self._chat_id(request))
        if not chat.uploads:
            raise web.HTTPForbidden(text="this chat sends no files")
        reader = await request.multipart()
        name, content, mime, reply_to = "", b"", "application/octet-stream", None
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "file":
                name = part.filename or "document"
                mime = part.headers.get("Content-Type", mime)
                content = await part.read()
                if len(content) > MAX_UPLOAD:
                    raise web.HTTPRequestEntityTooLarge(MAX_UPLOAD, len(content))
            elif part.name == "reply_to":
                value = (await part.text()).strip()
                reply_to = self._bot_message(chat.user.id, int(value)) if value else None
        if not name or not content:
            raise web.HTTPBadRequest(text="no file")
        update_id = self.fake.send_document(
            chat.user, name, mime, content=content, reply_to=reply_to
        )
        self._remember(chat.user.id, update_id, "", name)
        return self._json({"ok": True})

    async def _download(self, request: web.Request) -> web.Response:
        chat_id = self._chat(self._chat_id(request)).user.id
        try:
            message = self._bot_message(chat_id, int(request.match_info["message"]))
        except ValueError:
            raise web.HTTPNotFound(text="no such message") from None
        if message.document is None:
            raise web.HTTPNotFound(text="no document")
        name, content = message.document
        headers = {
            **self._headers(),
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        }
        return web.Response(
            body=content,
            content_type=message.document_mime_type or "application/octet-stream",
            headers=headers,
        )

    async def _clock(self, request: web.Request) -> web.Response:
        step = str((await self._body(request)).get("step", ""))
        try:
            await self._move_clock(step)
        except ValueError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        self.fake.notify_change()
        return self._json({"ok": True, "clock": self._clock_state()})
