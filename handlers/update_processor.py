"""Updates run concurrently across chats and strictly in order within a chat; an update
that was seen before (Telegram redelivers after a crash) is skipped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

Claim = Callable[[int], Awaitable[bool]]


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        claim: Claim,
        max_concurrent_updates: int = 64,
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._claim = claim
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.on_done = on_done

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        try:
            if not await self._claim(update.update_id):
                log.info("skipping update %s: already processed", update.update_id)
                if asyncio.iscoroutine(coroutine):
                    coroutine.close()
                return
            chat = update.effective_chat
            user = update.effective_user
            key = chat.id if chat else (user.id if user else 0)
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
                    del self._locks[key]
        finally:
            if self.on_done is not None:
                self.on_done(update.update_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
