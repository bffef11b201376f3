"""Telegram HTML: every value put into a message goes through ``esc``; a text longer than
Telegram allows is split (``split_html``), here and in the outbox alike."""

from __future__ import annotations

import html
import re


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


TELEGRAM_LIMIT = 4096
_TOKEN = re.compile(r"<(/?)([a-z-]+)(?:\s[^>]*)?>|&#?\w+;|[\ud800-\udfff]|.", re.DOTALL)


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split into messages of at most ``limit`` visible characters, preferring paragraph and
    line breaks; tags open at a cut are closed and reopened in the next part."""
    if _units(text) <= limit or _visible_length(text) <= limit:
        # Tags and entities only add to the whole text's length: the first test is cheap.
        return [text]
    parts: list[str] = []
    current: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    visible = 0
    last_break: tuple[int, int, list[tuple[str, str]]] | None = None
    last_paragraph: tuple[int, int, list[tuple[str, str]]] | None = None
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token.startswith("<") and match.group(2):
            name = match.group(2)
            if match.group(1):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            else:
                open_tags.append((name, token))
            current.append(token)
            continue
        width = 1 if token.startswith("&") else _units(token)
        if visible + width > limit:
            cut = next((b for b in (last_paragraph, last_break) if b and b[1] > limit // 2), None)
            if cut is not None:
                index, _, tags_then = cut
                head, tail = current[:index], current[index:]
            else:
                head, tail, tags_then = current, [], list(open_tags)
            parts.append("".join(head) + "".join(f"</{n}>" for n, _ in reversed(tags_then)))
            current = [t for _, t in tags_then] + tail
            visible = sum(
                0 if t.startswith("<") else (1 if t.startswith("&") else _units(t)) for t in tail
            )
            last_break = last_paragraph = None
        current.append(token)
        visible += width
        if token == "\n":
            if current[-2:-1] == ["\n"]:
                last_paragraph = (len(current), visible, list(open_tags))
            last_break = (len(current), visible, list(open_tags))
    if current:
        parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _visible_length(text: str) -> int:
    total = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token.startswith("<") and match.group(2):
            continue
        total += 1 if token.startswith("&") else _units(token)
    return total
