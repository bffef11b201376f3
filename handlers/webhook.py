"""The webhook: Telegram posts each update here instead of the bot polling for it.

Served by aiohttp's web server (already what the Bot API emulator runs on) behind the reverse
proxy that ends TLS. PTB's own webhook server answers Telegram before an update is stored
anywhere but memory; here a post is answered 200 only once the update is committed to the
inbox (handlers.intake), so a crash before that makes Telegram post it again, and handling
happens after the answer, never in the request.

- ``POST <path>``: the secret header must match (constant-time compare), else 401 and one
  log line; a body over 1 MiB is 413, one that is not a JSON update 400; an update stored
  before (Telegram's retry, a duplicate delivery) is answered 200 and ignored; when the
  database cannot take it, 503, and Telegram tries again.
- ``GET /healthz``: the process is alive. ``GET /readyz``: the database answers and its
  schema is the one this program knows (503 otherwise).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from handlers.intake import Intake

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 40
"""What setWebhook asks Telegram for: a post costs one short commit, so 40 (Telegram's
default) is plenty for every worker behind the proxy together."""
READY_TIMEOUT = 5.0


class WebhookServer:
    def __init__(
        self,
        intake: Intake,
        *,
        path: str,
        secret: str,
        host: str,
        port: int,
        ready: Callable[[], Awaitable[bool]],
    ) -> None:
        self._intake = intake
        self._path = path
        self._secret = secret.encode()
        self._host, self._port = host, port
        self._ready = ready
        self._runner: web.AppRunner | None = None
        self.refused = 0
        """Posts refused for a wrong or missing secret since start."""

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._post)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port, reuse_address=True).start()
        except OSError as exc:
            await runner.cleanup()
            raise OSError(
                exc.errno, f"cannot listen on {self._host}:{self._port} ({exc.strerror})"
            ) from None
        self._runner = runner

    async def stop(self) -> None:
        """Stop taking posts; Telegram keeps what it could not deliver and posts it again."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.refused += 1
            log.warning("webhook: a post without the right secret token was refused")
            return web.Response(status=401)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return web.Response(status=400, text="not an update")
        try:
            await self._intake.receive(raw)
        except Exception as exc:
            log.error("webhook: update %s not stored (%s)", update_id, type(exc).__name__)
            return web.Response(status=503)
        return web.Response(status=200)

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def _readyz(self, _request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                ready = await self._ready()
        except Exception as exc:
            log.warning("webhook: not ready (%s)", type(exc).__name__)
            ready = False
        return web.json_response({"ok": ready}, status=200 if ready else 503)
