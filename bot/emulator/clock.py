"""What time it is in the emulated Telegram, and how it waits.

Message dates, the age of a callback query (Telegram's 15 s), ``latency`` and hung calls
read this clock. The default is the computer's; tests pass a :class:`ManualClock` and move
it themselves, so nothing they assert depends on how fast the computer is; the demo passes
one that reads the bot's (moved) clock.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

__all__ = ["EmulatorClock", "ManualClock", "WallClock"]


class EmulatorClock(Protocol):
    def time(self) -> float:
        """Seconds since the epoch."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return once ``seconds`` have passed on this clock."""
        ...


class WallClock:
    """The computer's clock."""

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """A clock that stands still until :meth:`advance` moves it; sleepers wake when it has
    moved far enough. ``sleeping`` lists what the current sleepers asked for."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.now = start
        self.sleeping: list[float] = []
        self._moved = asyncio.Event()

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        self.sleeping.append(seconds)
        try:
            while self.now < until:
                moved = self._moved
                await moved.wait()
        finally:
            self.sleeping.remove(seconds)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        self.now += seconds
        self._moved.set()
        self._moved = asyncio.Event()
