"""What a parent or a staff member types: cleaned, checked, never silently cut or changed."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

MAX_TEXT = 1000


class InvalidText(ValueError):
    """Free text that is empty, holds control characters, or is longer than MAX_TEXT."""


class TextProblem(StrEnum):
    EMPTY = "empty"
    """Nothing but spaces and invisible characters (such as U+200B or U+FEFF)."""
    TOO_LONG = "too_long"
    CONTROL = "control"
    """Control characters (such as NUL) that cannot be kept: refused, never removed silently."""


_KEPT_CONTROLS = frozenset("\n\t")
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def clean_text(text: str) -> str:
    """What a parent typed with its line breaks normalised and the spaces around it
    removed; nothing inside it is changed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def text_problem(text: str) -> TextProblem | None:
    """Why a request's text cannot be taken as typed, or None when it can."""
    cleaned = clean_text(text)
    if any(unicodedata.category(c) == "Cc" and c not in _KEPT_CONTROLS for c in cleaned):
        return TextProblem.CONTROL
    if all(c.isspace() or unicodedata.category(c) in _BLANK_CATEGORIES for c in cleaned):
        return TextProblem.EMPTY
    if len(cleaned) > MAX_TEXT:
        return TextProblem.TOO_LONG
    return None


def valid_text(text: str) -> str:
    """The cleaned text, or InvalidText: a request's text is never silently cut or changed."""
    problem = text_problem(text)
    if problem is not None:
        raise InvalidText(problem.value)
    return clean_text(text)
