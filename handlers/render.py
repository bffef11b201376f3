"""Turning texts into Telegram messages: HTML escaping and splitting long texts."""

from __future__ import annotations

from bot.markup import TELEGRAM_LIMIT, esc, split_html

__all__ = ["TELEGRAM_LIMIT", "esc", "split_html"]
