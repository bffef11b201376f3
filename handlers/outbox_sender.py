"""Delivering outbox messages through the Bot API, and what its errors mean for a retry."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.jobs.outbox import Attachment, SendOutcome, Sent, TryAgain, Undeliverable, WaitAndRetry
from handlers.callbacks import CallbackCodec

RECEIPT_ACTION = "rcvd"


class TelegramSender:
    def __init__(self, bot: Bot, codec: CallbackCodec | None = None) -> None:
        self._bot = bot
        self._codec = codec

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        return await self._deliver(
            self._bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        )

    async def attachment(
        self, chat_id: int, caption: str, attachment: Attachment, case_id: int | None = None
    ) -> SendOutcome:
        """A document or photo by its Telegram file id, with the text as its caption; the
        last of a delivery carries the button to confirm receipt (a private chat's id is the
        user's id, which the button is signed for)."""
        markup = None
        if attachment.receipt_button and case_id is not None and self._codec is not None:
            data = self._codec.encode(chat_id, RECEIPT_ACTION, case_id)
            button = InlineKeyboardButton(attachment.receipt_button, callback_data=data)
            markup = InlineKeyboardMarkup([[button]])
        if attachment.kind == "photo":
            sending = self._bot.send_photo(
                chat_id,
                attachment.file_id,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        else:
            sending = self._bot.send_document(
                chat_id,
                attachment.file_id,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
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
