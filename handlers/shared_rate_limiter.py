"""Telegram's flood limits for several workers on one PostgreSQL database.

The limits are the bot's, not a worker's: the budget for all messages and each chat's own
are token buckets in the database (storage.rate_budget), which every worker takes from
before a call, so the workers together stay within 28 messages a second and about one a
second per chat. The order is the one handlers.rate_limiter keeps in one process: replies
reserve their token and go in turn; an outbox notice (only the leader sends those) takes one
only while enough are in hand and no reply of its own worker waits. A 429 pauses every
worker: the shared bucket is emptied for the time Telegram asks.
"""

from __future__ import annotations

from handlers.rate_limiter import PriorityRateLimiter
from storage import rate_budget
from storage.db import Database

ALL = "all"


class SharedRateLimiter(PriorityRateLimiter):
    def __init__(self, db: Database, **options: float) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._db = db

    async def _take(self, name: str, rate: float, capacity: float, need: float) -> float:
        # One statement on a pooled connection of its own, outside the units of work.
        return await rate_budget.take(self._db.reader, name, rate, capacity, need)

    async def _pause_all(self, seconds: float) -> None:
        await super()._pause_all(seconds)
        await rate_budget.pause(self._db.reader, ALL, self._all.rate, seconds)

    async def _chat_turn(self, chat_id: object) -> None:
        wait = await self._take(f"chat:{chat_id}", self._chat_rate, self._chat_burst, 0)
        if wait > 0:
            await self._sleep(wait)

    async def _chat_and_reply_turn(self, chat_id: object) -> None:
        """The usual case in one round trip: the chat has a token, and the reply takes the
        chat's and then one of the bot's at once; when the chat must wait, its token is
        reserved, and the bot's is taken after that wait, as two turns would."""
        self._replies_waiting += 1
        try:
            async with self._replies:
                await self._pause()
                chat_wait, wait = await rate_budget.take_chat_then_all(
                    self._db.reader,
                    f"chat:{chat_id}",
                    self._chat_rate,
                    self._chat_burst,
                    self._all.rate,
                    self._all.capacity,
                )
                if wait is not None:
                    if wait > 0:
                        await self._sleep(wait)
                    return
        finally:
            self._replies_waiting -= 1
        await self._sleep(chat_wait)
        await self._reply_turn()

    async def _reply_turn(self) -> None:
        self._replies_waiting += 1
        try:
            async with self._replies:
                await self._pause()
                wait = await self._take(ALL, self._all.rate, self._all.capacity, 0)
                if wait > 0:
                    await self._sleep(wait)
        finally:
            self._replies_waiting -= 1

    async def _bulk_turn(self) -> None:
        await self._sleep(self._bulk.take())
        while True:
            await self._pause()
            wait = 1 / self._all.rate
            if self._replies_waiting == 0:
                wait = await self._take(ALL, self._all.rate, self._all.capacity, self._bulk_needs)
                if wait == 0:
                    return
            await self._sleep(wait if wait > 0 else 1 / self._all.rate)
