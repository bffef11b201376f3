"""Telegram-compatible parsing of ``parse_mode="HTML"`` message text.

This is a faithful port of tdlib's ``parse_html`` (``td/telegram/MessageEntity.cpp``), which is
what the Bot API server runs for ``parse_mode=HTML``. It works on UTF-8 bytes so that the
``byte offset`` in error messages matches what Telegram reports, and it produces the same plain
text and (UTF-16 based) message entities.

One deliberate difference: with ``strict_entities=True`` (the default) an unknown *named* entity
that is terminated by ``;`` (``&nbsp;``, ``&foo;``) is rejected. Telegram itself silently keeps
such text literally, which is almost always a bug in the bot (the user sees ``&nbsp;``), so the
fake is stricter here. A bare ``&`` (``Tom & Jerry``) or ``&foo`` without ``;`` stays allowed,
exactly as in Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "ALLOWED_TAGS",
    "HtmlParseError",
    "ParsedText",
    "checked_link",
    "parse_html",
    "utf16_len",
]

#: Start tags Telegram accepts (lower case, as compared by tdlib).
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_NAMED_ENTITIES: dict[bytes, int] = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}

# td::is_space: note that NUL (our "end of text" sentinel) counts as a space.
_SPACES = frozenset(b" \t\r\n\x0b\x00")
_LT, _GT, _AMP, _SLASH, _EQ, _SEMI, _HASH = (ord(c) for c in "<>&/=;#")
_DQUOTE, _SQUOTE = ord('"'), ord("'")

_INVALID_UNICODE = (
    "Text contains invalid Unicode characters after decoding HTML entities, check for "
    "unmatched surrogate code units"
)


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML.

    ``message`` is tdlib's message (e.g. ``Unsupported start tag "foo" at byte offset 12``);
    ``description`` is the full Bot API error description
    (``Bad Request: can't parse entities: ...``).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def description(self) -> str:
        return f"Bad Request: can't parse entities: {self.message}"


@dataclass
class ParsedText:
    """Result of parsing: the plain text the user sees plus Bot API ``MessageEntity`` dicts."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# tdlib's MessageEntity::get_type_priority, used to order entities with equal ranges.
_PRIORITY: dict[str, int] = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

_HOST_RE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*[a-z0-9]$|^\d{1,3}(?:\.\d{1,3}){3}$")


def _entity_sort_key(entity: dict[str, Any]) -> tuple[int, int, int]:
    priority = _PRIORITY.get(entity["type"], 50)
    if entity["type"] == "pre" and entity.get("language"):
        priority = 10
    return entity["offset"], -entity["length"], priority


def checked_link(url: str) -> str | None:
    """Roughly tdlib's ``LinkManager::get_checked_link``: the normalised URL of a text link, or
    ``None`` when Telegram would silently drop the link (``<a href="as">`` keeps the text but
    loses the link)."""
    if not url or any(c.isspace() for c in url):
        return None
    if url.lower().startswith("tg:"):
        return url
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https", "ftp", "ton") or not _HOST_RE.match(host):
        return None
    path = parts.path or "/"
    rebuilt = f"{parts.scheme.lower()}://{parts.netloc}{path}"
    if parts.query or url.split("#", 1)[0].endswith("?"):
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _is_hex(c: int) -> bool:
    return _is_digit(c) or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def _is_alnum(c: int) -> bool:
    return _is_alpha(c) or _is_digit(c)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    result_pos: int


class _Parser:
    def __init__(self, html: str, strict_entities: bool) -> None:
        self.data = html.encode("utf-8", "surrogatepass")
        self.size = len(self.data)
        self.strict = strict_entities
        self.result = bytearray()
        self.utf16 = 0
        self.need_recheck_utf8 = False
        self.entities: list[dict[str, Any]] = []
        self.stack: list[_OpenTag] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < self.size else 0

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    # -- entities ---------------------------------------------------------------------------
    def decode_entity(self, pos: int) -> tuple[int, int]:
        """Decode an HTML entity at ``pos`` (which holds ``&``): returns (code point, new pos),
        or (0, pos) when the text there is not an entity and must be kept literally."""
        end = pos + 1
        res = 0
        if self.at(pos + 1) == _HASH:
            end += 1
            if self.at(pos + 2) == ord("x"):
                end += 1
                while _is_hex(self.at(end)):
                    if res < 0x110000:
                        res = res * 16 + int(chr(self.at(end)), 16)
                    end += 1
            else:
                while _is_digit(self.at(end)):
                    if res < 0x110000:
                        res = res * 10 + self.at(end) - 0x30
                    end += 1
            if res == 0 or res >= 0x10FFFF or end - pos >= 10:
                return 0, pos
        else:
            while _is_alpha(self.at(end)):
                end += 1
            name = self.data[pos + 1 : end]
            code = _NAMED_ENTITIES.get(name)
            if code is None:
                if self.strict and name and self.at(end) == _SEMI:
                    raise HtmlParseError(
                        f'Unsupported HTML entity "&{name.decode()};" at byte offset {pos}; '
                        "only &lt; &gt; &amp; &quot; and numeric entities are supported"
                    )
                return 0, pos
            res = code
        if self.at(end) == _SEMI:
            end += 1
        return res, end

    def append_code_point(self, buf: bytearray, code: int) -> None:
        if 0xD800 <= code <= 0xDFFF:
            self.need_recheck_utf8 = True
        buf.extend(chr(code).encode("utf-8", "surrogatepass"))

    # -- main loop --------------------------------------------------------------------------
    def parse(self) -> ParsedText:
        i = 0
        while i < self.size:
            c = self.data[i]
            if c == _AMP:
                code, new_i = self.decode_entity(i)
                if code != 0:
                    self.utf16 += 2 if code > 0xFFFF else 1
                    self.append_code_point(self.result, code)
                    i = new_i
                    continue
            if c != _LT:
                if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                    self.utf16 += 2 if c >= 0xF0 else 1
                self.result.append(c)
                i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == _SLASH else self.start_tag(i)
            i += 1  # skip the '>'
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        for entity in self.entities:
            entity.pop("_code_language", None)
        self.entities.sort(key=_entity_sort_key)
        try:
            text = self.result.decode("utf-8")
        except UnicodeDecodeError:
            raise HtmlParseError(_INVALID_UNICODE) from None
        return ParsedText(text=text, entities=self.entities)

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != _GT:
            i += 1
        if self.at(i) == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.text(begin + 1, i).lower()
        if tag not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')

        argument = ""
        while self.at(i) != _GT:
            while self.at(i) != 0 and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == _GT:
                break
            attr_begin = i
            while self.at(i) not in _SPACES and self.at(i) not in (
                _EQ,
                _GT,
                _SLASH,
                _DQUOTE,
                _SQUOTE,
            ):
                i += 1
            attr_name = self.text(attr_begin, i)
            if not attr_name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                )
            while self.at(i) != 0 and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != _EQ:
                if self.at(i) == 0:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if tag == "blockquote" and attr_name == "expandable":
                    argument = "1"
                continue
            i += 1
            while self.at(i) != 0 and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == 0:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')

            if self.at(i) not in (_DQUOTE, _SQUOTE):
                # A name token: letters, digits, periods or hyphens; not case sensitive.
                token_begin = i
                while _is_alnum(self.at(i)) or self.at(i) in (ord("."), ord("-")):
                    i += 1
                value = self.text(token_begin, i).lower()
                if self.at(i) not in _SPACES and self.at(i) != _GT:
                    raise HtmlParseError(
                        f"Unexpected end of name token at byte offset {token_begin}"
                    )
            else:
                end_char = self.at(i)
                i += 1
                buf = bytearray()
                while self.at(i) != end_char and self.at(i) != 0:
                    if self.at(i) == _AMP:
                        code, new_i = self.decode_entity(i)
                        if code != 0:
                            self.append_code_point(buf, code)
                            i = new_i
                            continue
                    buf.append(self.at(i))
                    i += 1
                if self.at(i) == end_char:
                    i += 1
                value = buf.decode("utf-8", "replace")
            if self.at(i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")

            if tag == "a" and attr_name == "href":
                argument = value
            elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and attr_name == "emoji-id":
                argument = value
            elif tag == "blockquote" and attr_name == "expandable":
                argument = "1"

        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_OpenTag(tag, argument, self.utf16, len(self.result)))
        return i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) != _GT:
            i += 1
        end_name = self.text(begin + 2, i).lower()
        while self.at(i) in _SPACES and self.at(i) != 0:
            i += 1
        if self.at(i) != _GT:
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        open_tag = self.stack[-1]
        if end_name and end_name != open_tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{open_tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > open_tag.utf16_offset:
            self.add_entity(open_tag)
        self.stack.pop()
        return i

    def add_entity(self, open_tag: _OpenTag) -> None:
        offset = open_tag.utf16_offset
        length = self.utf16 - offset
        tag = open_tag.name
        last = self.entities[-1] if self.entities else None
        simple = {
            "b": "bold",
            "strong": "bold",
            "i": "italic",
            "em": "italic",
            "u": "underline",
            "ins": "underline",
            "s": "strikethrough",
            "strike": "strikethrough",
            "del": "strikethrough",
            "tg-spoiler": "spoiler",
            "span": "spoiler",
        }
        entity: dict[str, Any]
        if tag in simple:
            entity = {"type": simple[tag], "offset": offset, "length": length}
        elif tag == "tg-emoji":
            if not open_tag.argument.isdigit() or int(open_tag.argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            entity = {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": open_tag.argument,
            }
        elif tag == "a":
            inner = self.result[open_tag.result_pos :].decode("utf-8", "replace")
            url = checked_link(open_tag.argument or inner)
            if url is None:
                return  # tdlib silently drops links it can't check
            entity = {"type": "text_link", "offset": offset, "length": length, "url": url}
        elif tag == "pre":
            if (
                last is not None
                and last["type"] == "code"
                and last["offset"] == offset
                and last["length"] == length
                and last.get("_code_language")
            ):
                last["type"] = "pre"
                last["language"] = last.pop("_code_language")
                return
            entity = {"type": "pre", "offset": offset, "length": length}
        elif tag == "code":
            if (
                last is not None
                and last["type"] == "pre"
                and last["offset"] == offset
                and last["length"] == length
                and "language" not in last
                and open_tag.argument
            ):
                last["language"] = open_tag.argument
                return
            entity = {"type": "code", "offset": offset, "length": length}
            if open_tag.argument:
                entity["_code_language"] = open_tag.argument
        elif tag == "blockquote":
            kind = "expandable_blockquote" if open_tag.argument else "blockquote"
            entity = {"type": kind, "offset": offset, "length": length}
        else:  # pragma: no cover - ALLOWED_TAGS is exhaustive
            raise AssertionError(tag)
        self.entities.append(entity)


def parse_html(html: str, *, strict_entities: bool = True) -> ParsedText:
    """Parse Telegram HTML into plain text and entities.

    Raises :class:`HtmlParseError` with Telegram's error message on invalid input.
    """
    return _Parser(html, strict_entities).parse()
