"""Fault injection: make the next calls of a method fail or hang, or a user block the bot,
so tests see what the bot does when Telegram is unwell."""

from __future__ import annotations

from collections import deque

from .errors import Fault, default_description
from .state import EmulatorState

__all__ = ["FaultInjection"]


class FaultInjection(EmulatorState):
    def _method_key(self, method: str) -> str:
        key = method.lower()
        if key not in self._methods:
            raise ValueError(f"unknown Bot API method {method!r} (not implemented by the fake)")
        return key

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: float | None = None,
        count: int = 1,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with HTTP ``status``.

        The failed calls are recorded (``fault="injected"``) but have no effect. A 429 always
        carries ``parameters.retry_after`` (default 1 s) so PTB raises ``RetryAfter``. Telegram
        only sends whole seconds; a fractional ``retry_after`` is allowed to keep tests fast.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if retry_after is not None and float(retry_after).is_integer():
            retry_after = int(retry_after)
        desc = description or default_description(status, retry_after)
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        queue = self._failures.setdefault(self._method_key(method), deque())
        for _ in range(count):
            queue.append(Fault(status, desc, parameters))

    def hang_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the response of the next ``count`` calls of ``method`` by ``seconds``.

        The call has no effect, like a request that never reached Telegram. A client that waits
        that long gets ``502 Bad Gateway``.
        """
        queue = self._hangs.setdefault(self._method_key(method), deque())
        for _ in range(count):
            queue.append(seconds)

    def block_user(self, user_id: int) -> None:
        """The user blocks the bot: every send to that chat fails with 403."""
        self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        self._blocked.discard(user_id)
