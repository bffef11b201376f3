"""Telegram's flood limits, with direct replies before bulk notices.

All calls share one budget of 28 messages a second without bursts, so that no second sees
more than 30 even when requests bunch up on the way. Outbox notices are marked ``BULK``: they
go only when no reply is waiting (and, with a larger burst, a token is left over for the next
reply), and at most ``bulk_rate`` a second, leaving room for replies, so a parent's answer
never queues behind a thousand notices. A 429 pauses every call for ``retry_after``; a reply
is then tried again (one WARNING line), a bulk notice is handed back to the outbox, which
waits and logs itself.

Each chat also has a budget of its own: about one message a second, after a short burst
(Telegram's limit per chat). A long send to one person (thirty documents) is paced by it,
whether it comes from a handler or from the outbox; a chat waits for its own turn before it
queues for the shared budget, so it holds nobody else up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.jobs.pacing import TokenBucket
from handlers.retry_after import retry_after_seconds

log = logging.getLogger(__name__)

BULK = "bulk"
"""``rate_limit_args`` of an outbox send."""

# Not messages: Telegram's ~30 a second is about what reaches people's chats. A callback query
# is answered at once, so that no button keeps spinning.
MAX_IDLE_CHATS = 10_000
"""Chats whose budget is kept; beyond this, the ones with a full budget are forgotten."""

UNLIMITED = frozenset(
    {
        "getUpdates",
        "getMe",
        "setMyCommands",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "answerCallbackQuery",
    }
)


class PriorityRateLimiter(BaseRateLimiter[str]):
    def __init__(
        self,
        *,
        rate: float = 28,
        burst: float = 1,
        bulk_rate: float = 27.5,
        reply_retries: int = 2,
        chat_rate: float = 1,
        chat_burst: float = 3,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._all = TokenBucket(rate, burst, now)
        self._chat_rate, self._chat_burst = chat_rate, chat_burst
        self._chats: dict[object, TokenBucket] = {}
        self._sleep = sleep
        self._bulk_needs = min(2.0, burst)  # tokens in hand before a notice may take one
        self._bulk = TokenBucket(bulk_rate, 1, now)
        self._replies_waiting = 0
        self._replies = asyncio.Lock()
        self._reply_retries = reply_retries
        self._now = now
        self._paused_until = 0.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def _pause(self) -> None:
        wait = self._paused_until - self._now()
        if wait > 0:
            await self._sleep(wait)

    async def _pause_all(self, seconds: float) -> None:
        """Telegram answered 429: no call goes for ``seconds``."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    async def _reply_turn(self) -> None:
        # Replies in order of arrival; the token is checked at the moment a reply goes, not
        # reserved ahead, so a stalled event loop cannot release a bunch of them at once.
        self._replies_waiting += 1
        try:
            async with self._replies:
                while True:
                    await self._pause()
                    wait = self._all.wait_for(1)
                    if wait == 0:
                        break
                    await self._sleep(wait)
                self._all.take()
        finally:
            self._replies_waiting -= 1

    async def _bulk_turn(self) -> None:
        await self._sleep(self._bulk.take())
        while True:
            await self._pause()
            # Let waiting replies go first; leave a token for the next one where there is room.
            wait = self._all.wait_for(self._bulk_needs)
            if wait == 0 and self._replies_waiting == 0:
                break
            await self._sleep(wait if wait > 0 else 1 / self._all.rate)
        self._all.take()

    async def _chat_and_reply_turn(self, chat_id: object) -> None:
        await self._chat_turn(chat_id)
        await self._reply_turn()

    async def _chat_turn(self, chat_id: object) -> None:
        """Wait for this chat's own budget (reserved in order, so its messages stay in order)."""
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= MAX_IDLE_CHATS:  # forget chats whose budget is full again
                self._chats = {c: b for c, b in self._chats.items() if b.available() < b.capacity}
            bucket = self._chats[chat_id] = TokenBucket(
                self._chat_rate, self._chat_burst, self._now
            )
        wait = bucket.take()
        if wait > 0:
            await self._sleep(wait)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint in UNLIMITED:
            return await callback(*args, **kwargs)
        bulk = rate_limit_args == BULK
        chat_id = data.get("chat_id")
        attempt = 0
        while True:
            if chat_id is not None and not bulk:
                await self._chat_and_reply_turn(chat_id)
            else:
                if chat_id is not None:
                    await self._chat_turn(chat_id)
                await (self._bulk_turn() if bulk else self._reply_turn())
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                await self._pause_all(seconds)
                if bulk or attempt >= self._reply_retries:
                    raise
                attempt += 1
                log.warning("rate limited on %s; trying again after %.0f s", endpoint, seconds)
