"""Delivering outbox messages through the Bot API, and what its errors mean for a retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.jobs.dispatcher import MaybeSent, SendOutcome, Sent, TryAgain, Undeliverable, WaitAndRetry
from bot.outbox import Attachment, Button, Keyboard, NoticeAction
from handlers.buttons import for_notice
from handlers.callbacks import CallbackCodec
from handlers.rate_limiter import BULK
from handlers.retry_after import retry_after_seconds


def _never_reached_telegram(exc: TimedOut) -> bool:
    """No connection, or none free: the request was not sent, so a retry cannot duplicate."""
    cause = exc.__cause__
    return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout) or (
        "pool timeout" in exc.message.lower()
    )


class TelegramSender:
    def __init__(self, bot: Bot, codec: CallbackCodec | None = None) -> None:
        self._bot = bot
        self._codec = codec

    def _bulk(self) -> dict[str, Any]:
        """With the rate limiter, outbox messages yield to direct replies."""
        if isinstance(self._bot, ExtBot) and self._bot.rate_limiter is not None:
            return {"rate_limit_args": BULK}
        return {}

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        return await self._deliver(
            lambda: self._bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, **self._bulk()
            )
        )

    async def with_button(self, chat_id: int, text: str, button: Button) -> SendOutcome:
        """A notice with one button, signed for the recipient (a private chat's id is the
        user's id); without the codec the notice goes without it."""
        markup = None
        if self._codec is not None:
            action = for_notice(button.action)
            data = self._codec.encode(chat_id, action.code, *button.args)
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(button.label, callback_data=data)]]
            )
        return await self._deliver(
            lambda: self._bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, **self._bulk()
            )
        )

    async def with_keyboard(self, chat_id: int, text: str, keyboard: Keyboard) -> SendOutcome:
        """A notice with several buttons (a consent round's question), each signed for the
        recipient; without the codec the notice goes without them."""
        markup = None
        if self._codec is not None:
            codec = self._codec
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            b.label,
                            callback_data=codec.encode(
                                chat_id, for_notice(b.action).code, *b.args
                            ),
                        )
                        for b in row
                    ]
                    for row in keyboard.rows
                ]
            )
        return await self._deliver(
            lambda: self._bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, **self._bulk()
            )
        )

    async def attachment(
        self, chat_id: int, caption: str, attachment: Attachment, case_id: int | None = None
    ) -> SendOutcome:
        """A document or photo by its Telegram file id, with the text as its caption; the
        last of a delivery carries the button to confirm receipt (a private chat's id is the
        user's id, which the button is signed for)."""
        markup = None
        if attachment.receipt_button and case_id is not None and self._codec is not None:
            action = for_notice(NoticeAction.CONFIRM_RECEIPT)
            data = self._codec.encode(chat_id, action.code, case_id)
            button = InlineKeyboardButton(attachment.receipt_button, callback_data=data)
            markup = InlineKeyboardMarkup([[button]])
        send = self._bot.send_photo if attachment.kind == "photo" else self._bot.send_document
        return await self._deliver(
            lambda: send(
                chat_id,
                attachment.file_id,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                **self._bulk(),
            )
        )

    async def _deliver(self, sending: Callable[[], Awaitable[object]]) -> SendOutcome:
        try:
            await sending()
        except RetryAfter as exc:
            return WaitAndRetry(retry_after_seconds(exc))
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
