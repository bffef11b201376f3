"""A token bucket: how fast messages may go out, with bursts kept small."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens a second, at most ``capacity`` saved up.

    ``take`` reserves a token even when none is left (the balance goes negative) and says how
    long the caller must wait before using it, so waiting callers are served in order.
    """

    def __init__(
        self, rate: float, capacity: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate, self.capacity = rate, capacity
        self._now = now
        self._tokens = capacity
        self._at = now()

    def available(self) -> float:
        """Tokens in hand now (negative while reservations are outstanding)."""
        moment = self._now()
        self._tokens = min(self.capacity, self._tokens + (moment - self._at) * self.rate)
        self._at = moment
        return self._tokens

    def take(self) -> float:
        """Reserve one token; returns the seconds to wait before using it (0 if in hand)."""
        self._tokens = self.available() - 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def wait_for(self, tokens: float) -> float:
        """Seconds until ``tokens`` are in hand (0 if they are)."""
        missing = tokens - self.available()
        return max(0.0, missing / self.rate)
