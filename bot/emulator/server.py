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

:class:`FakeBotAPI` is this module's server (lifecycle and HTTP) over parts that each hold
one responsibility: :mod:`.state` (what the emulator holds), :mod:`.faults` (injected
failures), :mod:`.people` (simulated users and what they do), :mod:`.inspection` (what tests
read back), :mod:`.validation` (what Telegram checks) and :mod:`.methods` (the Bot API
methods).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .errors import (
    BLOCKED,
    CHAT_NOT_FOUND,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad,
    error_body,
)
from .faults import FaultInjection
from .inspection import Inspection
from .methods import BotApiMethods
from .models import ApiCall, JSONDict, UploadedFile
from .people import SimulatedPeople
from .state import Request
from .validation import MAX_MESSAGE_LENGTH, as_int

# The Telegram error texts and limits tests compare with are importable from here too.
__all__ = [
    "BLOCKED",
    "CHAT_NOT_FOUND",
    "MAX_MESSAGE_LENGTH",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "ApiError",
    "FakeBotAPI",
]

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


def _decode_value(name: str, raw: str) -> Any:
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class FakeBotAPI(FaultInjection, SimulatedPeople, Inspection, BotApiMethods):
    """Fake Telegram Bot API server. See the module docstring for an example.

    Public state:

    * ``calls`` - every request, in arrival order (:class:`ApiCall`);
    * ``errors`` - calls rejected with a 4xx because the bot did something Telegram rejects
      (injected faults, blocked users and getUpdates conflicts excluded);
    * ``latency`` - seconds added before every request is processed;
    * ``callback_query_timeout`` - seconds after which a callback query can no longer be
      answered (Telegram: 15);
    * ``clock`` - what time it is in Telegram and how ``latency`` and hangs wait
      (:mod:`.clock`; tests pass a :class:`~.clock.ManualClock`).
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - the emulator's own, not a secret
        *,
        bot_username: str = "PrivacyloketTestBot",
        bot_id: int = 123456,
        bot_first_name: str = "Privacyloket",
    ) -> None:
        super().__init__(
            token, bot_username=bot_username, bot_id=bot_id, bot_first_name=bot_first_name
        )
        self._methods = self._bot_api_methods()
        self._init_webhook()

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
        app.router.add_route("*", "/{client}/bot{token}/{method}", self._handle)
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
        await self._stop_webhook()
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
                raise bad("Bad Request: can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise bad("Bad Request: JSON object expected")
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
        """Sleep on the emulator's clock, but return early when the server is stopping."""
        if seconds <= 0:
            return
        closing = self._closing
        if closing is None:
            await self.clock.sleep(seconds)
            return
        nap = asyncio.ensure_future(self.clock.sleep(seconds))
        stop = asyncio.ensure_future(closing.wait())
        try:
            await asyncio.wait((nap, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:
            nap.cancel()
            stop.cancel()

    def _record(
        self,
        request: web.Request,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        arrived: float,
    ) -> ApiCall:
        call = ApiCall(
            method,
            params,
            0,
            {},
            arrived,
            files,
            None,
            request.method,
            request.match_info.get("client"),
        )
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
        chat_id = as_int(call.params.get("chat_id"))
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
            return self._complete(call, exc.status, error_body(exc.status, exc.description))
        call = self._record(request, method, params, files, arrived)

        await self._sleep(self.latency)
        if token != self.token:
            return self._complete(call, 401, error_body(401, "Unauthorized"))
        if entry is None:
            return self._complete(call, 404, error_body(404, "Not Found"))
        key = raw_method.lower()

        hangs = self._hangs.get(key)
        if hangs:
            seconds = hangs.popleft()
            call.fault = "hang"
            chat_id = self._call_chat(call)
            if chat_id is not None:
                self._add_event(chat_id, [f"! {method} hung for {seconds:g} s (no effect)"])
            await self._sleep(seconds)
            return self._complete(call, 502, error_body(502, "Bad Gateway"), "hang")

        failures = self._failures.get(key)
        if failures:
            fault = failures.popleft()
            body = error_body(fault.status, fault.description, fault.parameters)
            return self._complete(call, fault.status, body, "injected")

        if self.intercept is not None and await self.intercept(call, "before"):
            return self._complete(call, 502, error_body(502, "Bad Gateway"), "dropped")
        try:
            result = await entry[1](Request(method, params, files))
        except ApiError as exc:
            body = error_body(exc.status, exc.description, exc.parameters)
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
            return web.json_response(error_body(404, "Not Found"), status=404)
        return web.Response(body=found[0], content_type=found[1])
