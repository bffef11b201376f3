"""What Telegram's errors mean for the outbox: a time-out after sending is "maybe sent"."""

from __future__ import annotations

from typing import Any, cast

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.jobs.dispatcher import MaybeSent, SendOutcome, Sent, TryAgain, Undeliverable, WaitAndRetry
from handlers.outbox_sender import TelegramSender


def _timed_out(cause: Exception | None, message: str | None = None) -> TimedOut:
    error = TimedOut(message) if message else TimedOut()
    error.__cause__ = cause
    return error


class FailingBot:
    """Stands in for the Bot: its send fails with the given error (or succeeds)."""

    def __init__(self, error: Exception | None) -> None:
        self.error = error

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        if self.error is not None:
            raise self.error
        return None


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, Sent()),
        (_timed_out(httpx.ReadTimeout("read")), MaybeSent("TimedOut")),
        (_timed_out(httpx.WriteTimeout("write")), MaybeSent("TimedOut")),
        (_timed_out(httpx.ConnectTimeout("connect")), TryAgain("TimedOut (not sent)")),
        (
            _timed_out(None, "Pool timeout: All connections in the connection pool are occupied."),
            TryAgain("TimedOut (not sent)"),
        ),
        (NetworkError("Bad Gateway"), TryAgain("NetworkError")),
        (RetryAfter(3), WaitAndRetry(3.0)),
        (
            Forbidden("Forbidden: bot was blocked by the user"),
            Undeliverable("blocked by the user"),
        ),
        (BadRequest("Bad Request: chat not found"), Undeliverable("chat not found")),
    ],
)
async def test_each_error_has_its_outcome(error: Exception | None, outcome: SendOutcome) -> None:
    assert await TelegramSender(cast(Bot, FailingBot(error)))(100, "text") == outcome
