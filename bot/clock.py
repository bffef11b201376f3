"""Time comes from one injectable place so rules about deadlines and expiry can be tested."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class AdjustableClock:
    """A clock that is moved forward on purpose: frozen at ``start`` (the tests), or running
    from ``start`` at the pace of the computer's clock (``running=True``, the demo)."""

    def __init__(self, start: datetime | None = None, *, running: bool = False) -> None:
        self.moment = start if start is not None else datetime.now(UTC)
        self._running = running
        self._since = time.monotonic()

    def now(self) -> datetime:
        if not self._running:
            return self.moment
        return self.moment + timedelta(seconds=time.monotonic() - self._since)

    def advance(self, **delta: float) -> None:
        """Move forward, e.g. ``advance(days=7)``; never backward."""
        step = timedelta(**delta)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward")
        self.moment += step
