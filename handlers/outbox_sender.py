"""Delivering outbox messages through the Bot API, and what its errors mean for a retry."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.jobs.outbox import Attachment, SendOutcome, Sent, TryAgain, Undeliverable, WaitAndRetry


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        return await self._deliver(
            self._bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        )

    async def attachment(self, chat_id: int, caption: str, attachment: Attachment) -> SendOutcome:
        """A document or photo by its Telegram file id, with the text as its caption."""
        if attachment.kind == "photo":
            sending = self._bot.send_photo(
                chat_id, attachment.file_id, caption=caption, parse_mode=ParseMode.HTML
            )
        else:
            sending = self._bot.send_document(
                chat_id, attachment.file_id, caption=caption, parse_mode=ParseMode.HTML
            )
        return await self._deliver(sending)

    async def _deliver(self, sending: Awaitable[object]) -> SendOutcome:
        try:
            await sending
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
