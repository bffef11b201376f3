"""Telegram HTML: every value put into a message goes through ``esc``."""

from __future__ import annotations

import html


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)
