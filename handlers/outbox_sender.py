"""Delivering outbox messages through the Bot API, and what its errors mean for a retry."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.jobs.outbox import SendOutcome, Sent, TryAgain, Undeliverable, WaitAndRetry


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        try:
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
        except NetworkError as exc:  # also TimedOut and 5xx
            return TryAgain(type(exc).__name__)
        return Sent()
