"""Webhook delivery as Telegram does it: after ``setWebhook``, each queued update is posted
(JSON, with the ``X-Telegram-Bot-Api-Secret-Token`` header) to the webhook URL, in order;
an answer other than 2xx, or none, and the same update is posted again after a pause.
While a webhook is set, ``getUpdates`` is refused with 409.

``webhook_targets`` stands for a load balancer in front of the public URL: when set, posts
go to these addresses in turn instead of the URL the bot registered.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from .errors import bad
from .state import EmulatorState, Request
from .validation import as_int

SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class WebhookPost:
    """One post of an update to the webhook: where, and what came back (None: no answer)."""

    update_id: int
    url: str
    status: int | None
    at: float


class WebhookDelivery(EmulatorState):
    def _init_webhook(self) -> None:
        self.webhook_targets: list[str] | None = None
        self.webhook_retry_delay = 0.05
        """Seconds before an update is posted again after a failed post (Telegram: longer)."""
        self.webhook_timeout = 10.0
        self.webhook_posts: list[WebhookPost] = []
        self._webhook: dict[str, Any] = {}
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_wake = asyncio.Event()
        self._webhook_turn = itertools.count()
        self._webhook_stopping = False

    # --- the API methods -------------------------------------------------------------------

    async def _api_set_webhook(self, req: Request) -> Any:
        p = req.params
        url = p.get("url")
        if not isinstance(url, str) or not url:
            await self._stop_webhook()
            self._webhook_url = ""
            self._webhook = {}
            return True
        if not url.startswith(("https://", "http://")):
            raise bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not (isinstance(secret, str) and SECRET_RE.match(secret)):
            raise bad("Bad Request: secret token contains unallowed characters")
        max_connections = as_int(p.get("max_connections")) or 40
        if not 1 <= max_connections <= 100:
            raise bad("Bad Request: bad webhook: max_connections must be between 1 and 100")
        allowed = p.get("allowed_updates")
        if p.get("drop_pending_updates") in (True, "true", "True"):
            self._queue.clear()
        self._webhook_url = url
        self._webhook = {
            "secret_token": secret,
            "max_connections": max_connections,
            "allowed_updates": allowed if isinstance(allowed, list) else None,
        }
        self._start_webhook()
        return True

    def _webhook_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"max_connections": self._webhook.get("max_connections", 40)}
        if self._webhook.get("allowed_updates") is not None:
            info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    # --- delivery --------------------------------------------------------------------------

    @property
    def webhook_secret(self) -> str | None:
        secret = self._webhook.get("secret_token")
        return secret if isinstance(secret, str) else None

    def _start_webhook(self) -> None:
        self._webhook_stopping = False
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver(), name="emulator-webhook")
        self._webhook_wake.set()

    async def _stop_webhook(self) -> None:
        self._webhook_stopping = True
        self._webhook_wake.set()
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _target(self) -> str:
        if self.webhook_targets:
            return self.webhook_targets[next(self._webhook_turn) % len(self.webhook_targets)]
        return self._webhook_url

    async def _deliver(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self._webhook_stopping:
                if not self._queue:
                    self._webhook_wake.clear()
                    changed = self._updates_changed
                    waits = [
                        asyncio.ensure_future(self._webhook_wake.wait()),
                        asyncio.ensure_future(changed.wait()),
                    ]
                    try:
                        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        for wait in waits:
                            wait.cancel()
                    continue
                entry = min(self._queue, key=lambda q: (q.update_id, q.seq))
                delivered = await self._post(session, entry.update_id)
                if delivered:
                    entry.delivered = True
                    if entry in self._queue:
                        self._queue.remove(entry)
                    self._delivery_counts[entry.update_id] = (
                        self._delivery_counts.get(entry.update_id, 0) + 1
                    )
                else:
                    await asyncio.sleep(self.webhook_retry_delay)

    async def _post(self, session: aiohttp.ClientSession, update_id: int) -> bool:
        url = self._target()
        headers = {}
        if self.webhook_secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        status: int | None = None
        try:
            async with session.post(url, json=self._updates[update_id], headers=headers) as resp:
                status = resp.status
                await resp.read()
        except (aiohttp.ClientError, TimeoutError, OSError):
            status = None
        self.webhook_posts.append(WebhookPost(update_id, url, status, time.monotonic()))
        return status is not None and 200 <= status < 300

    def webhook_set(self) -> bool:
        """Whether a webhook is set (getUpdates is then refused)."""
        return bool(self._webhook_url)
