"""Human-readable conversation transcripts of the fake Bot API.

Lines starting with ``>`` are the user's inputs, ``<`` the bot's outputs and ``!`` requests
that failed (Telegram rejected them, or a fault was injected). Example::

    > user: /start
    < bot: Welkom bij het Privacyloket!
           Kies een taal.
       [Nederlands] [English]
    > user taps [Nederlands]
    < bot (toast): Taal ingesteld
    < bot edits #2: Taal: Nederlands
    < bot sends document verzoek.pdf
       caption: Uw verzoek
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import JSONDict

__all__ = [
    "TranscriptEvent",
    "format_bot_text",
    "format_markup",
    "render",
]


@dataclass
class TranscriptEvent:
    seq: int
    chat_id: int
    time: float
    lines: list[str]


def _indent_continuation(prefix: str, text: str) -> list[str]:
    lines = text.split("\n") if text else [""]
    pad = " " * len(prefix)
    out = [f"{prefix}{lines[0]}".rstrip()]
    out.extend(f"{pad}{line}".rstrip() for line in lines[1:])
    return out


def format_bot_text(prefix: str, text: str) -> list[str]:
    """``prefix`` + text, with continuation lines aligned under the first line."""
    return _indent_continuation(prefix, text)


def _button_label(button: JSONDict | str) -> str:
    if isinstance(button, str):
        return f"[{button}]"
    text = str(button.get("text", ""))
    if "url" in button:
        return f"[{text} -> {button['url']}]"
    return f"[{text}]"


def format_markup(reply_markup: JSONDict | None) -> list[str]:
    """Button rows as ``   [A] [B]`` lines."""
    if not reply_markup:
        return []
    if "inline_keyboard" in reply_markup:
        return [
            "   " + " ".join(_button_label(b) for b in row)
            for row in reply_markup["inline_keyboard"]
        ]
    if "keyboard" in reply_markup:
        return [
            "   keyboard: " + " ".join(_button_label(b) for b in row)
            for row in reply_markup["keyboard"]
        ]
    if reply_markup.get("remove_keyboard"):
        return ["   (keyboard removed)"]
    if reply_markup.get("force_reply"):
        return ["   (asks for a reply)"]
    return []


def render(events: Iterable[TranscriptEvent]) -> str:
    lines: list[str] = []
    for event in sorted(events, key=lambda e: e.seq):
        lines.extend(event.lines)
    return "\n".join(lines)
