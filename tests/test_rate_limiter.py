"""Direct replies go before bulk notices in the bot's rate limiter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from bot.jobs.pacing import TokenBucket
from handlers.rate_limiter import BULK, PriorityRateLimiter


def test_a_token_bucket_reserves_in_order() -> None:
    moment = [0.0]
    bucket = TokenBucket(10, 2, lambda: moment[0])
    assert [bucket.take(), bucket.take()] == [0.0, 0.0]
    assert bucket.take() == 0.1
    assert bucket.take() == 0.2
    moment[0] = 1.0
    assert bucket.available() == 2  # never more than the capacity saved up


async def test_a_reply_overtakes_waiting_notices() -> None:
    limiter = PriorityRateLimiter(rate=400, burst=3, bulk_rate=200)
    events: list[str] = []
    reply_task: list[asyncio.Task[object]] = []

    async def reply() -> bool:
        events.append("reply")
        return True

    def notice(n: int) -> Callable[[], Coroutine[Any, Any, bool]]:
        async def send() -> bool:
            events.append(f"notice {n}")
            if n == 10:
                reply_task.append(
                    asyncio.create_task(
                        limiter.process_request(reply, (), {}, "sendMessage", {}, None)
                    )
                )
            return True

        return send

    for n in range(30):
        await limiter.process_request(notice(n), (), {}, "sendMessage", {}, BULK)
    await reply_task[0]
    assert events.index("reply") <= events.index("notice 10") + 2
