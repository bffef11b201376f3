"""Telegram-facing code: conversations, commands, keyboards, callback data and rendering."""
