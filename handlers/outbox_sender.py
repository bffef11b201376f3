"""Delivering outbox messages through the Bot API, and what its errors mean for a retry."""

from __future__ import annotations

import warnings
from datetime import timedelta

import httpx
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.jobs.outbox import MaybeSent, SendOutcome, Sent, TryAgain, Undeliverable, WaitAndRetry
from handlers.rate_limiter import BULK


def _never_reached_telegram(exc: TimedOut) -> bool:
    """No connection, or none free: the request was not sent, so a retry cannot duplicate."""
    cause = exc.__cause__
    return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout) or (
        "pool timeout" in exc.message.lower()
    )


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        try:
            if isinstance(self._bot, ExtBot) and self._bot.rate_limiter is not None:
                # The rate limiter lets direct replies go before outbox notices.
                await self._bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, rate_limit_args=BULK
                )
            else:
                await self._bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB warns that the type becomes timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return WaitAndRetry(seconds)
        except Forbidden:
            return Undeliverable("blocked by the user")
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return Undeliverable("chat not found")
            return Undeliverable(f"refused: {exc.message[:100]}")
        except TimedOut as exc:
            if _never_reached_telegram(exc):
                return TryAgain("TimedOut (not sent)")
            return MaybeSent("TimedOut")
        except NetworkError as exc:  # 5xx and connection errors
            return TryAgain(type(exc).__name__)
        return Sent()
