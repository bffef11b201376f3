"""What a chat app shows of a message: its text and entities as safe HTML.

The emulator parsed the bot's HTML into plain text and entities, as Telegram does; the page
gets HTML rebuilt from those, with every character escaped and only the tags Telegram
supports, so nothing the bot (or a person) wrote can run in the page.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["entities_to_html"]

_SIMPLE = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "code": "code",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
    "text_mention": "b",
}


def _safe_url(url: str) -> str | None:
    return url if url.lower().startswith(("http://", "https://", "tg://")) else None


def _open(entity: dict[str, Any], units: bytes) -> tuple[str, str]:
    kind = entity.get("type")
    if kind in _SIMPLE:
        tag = _SIMPLE[kind]
        return f"<{tag}>", f"</{tag}>"
    if kind == "pre":
        return "<pre>", "</pre>"
    if kind == "spoiler":
        return '<span class="spoiler">', "</span>"
    if kind in ("text_link", "url"):
        if kind == "url":
            start, length = int(entity["offset"]), int(entity["length"])
            url = units[2 * start : 2 * (start + length)].decode("utf-16-le")
        else:
            url = str(entity.get("url", ""))
        safe = _safe_url(url)
        if safe is None:
            return "", ""
        href = html.escape(safe, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">', "</a>"
    return "", ""


def entities_to_html(text: str, entities: list[dict[str, Any]]) -> str:
    """``text`` escaped, with ``entities`` (UTF-16 offsets, properly nested) as tags."""
    units = text.encode("utf-16-le")
    size = len(units) // 2
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    ordered = sorted(
        (e for e in entities if isinstance(e, dict)),
        key=lambda e: (int(e.get("offset", 0)), -int(e.get("length", 0))),
    )
    for entity in ordered:
        start = max(0, min(size, int(entity.get("offset", 0))))
        end = max(start, min(size, start + int(entity.get("length", 0))))
        before, after = _open(entity, units)
        if not before:
            continue
        opens.setdefault(start, []).append(before)
        closes.setdefault(end, []).insert(0, after)
    points = sorted({0, size, *opens, *closes})
    out: list[str] = []
    for i, point in enumerate(points):
        out.extend(closes.get(point, []))
        out.extend(opens.get(point, []))
        if i + 1 < len(points):
            chunk = units[2 * point : 2 * points[i + 1]].decode("utf-16-le", "replace")
            out.append(html.escape(chunk, quote=False))
    return "".join(out)
