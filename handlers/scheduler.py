"""Work handed out per person: strictly in order within one key, concurrently across keys.

At most ``concurrency`` items run at once and a key holds at most one running slot; a key
with more waiting goes to the back of the line after each item, so one person's burst
cannot starve the others.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerKeyScheduler(Generic[T]):
    def __init__(self, handle: Callable[[T], Awaitable[None]], concurrency: int) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._handle = handle
        self.concurrency = concurrency
        self._queues: dict[int, deque[T]] = {}
        self._ready: asyncio.Queue[int | None] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._closing = False

    def add(self, key: int, item: T) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            self._ready.put_nowait(key)
        queue.append(item)

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def start(self) -> None:
        self._closing = False
        self._workers = [
            asyncio.create_task(self._work(), name=f"scheduler-worker-{n}")
            for n in range(self.concurrency)
        ]

    async def stop(self) -> None:
        """Items running finish; items still waiting are dropped (the caller keeps them)."""
        self._closing = True
        for _ in self._workers:
            self._ready.put_nowait(None)
        await asyncio.gather(*self._workers)
        self._workers = []
        self._queues.clear()
        self._ready = asyncio.Queue()

    async def _work(self) -> None:
        while True:
            key = await self._ready.get()
            if key is None or self._closing:
                return
            queue = self._queues[key]
            item = queue.popleft()
            try:
                await self._handle(item)
            finally:
                if queue:
                    self._ready.put_nowait(key)  # to the back of the line
                else:
                    del self._queues[key]
