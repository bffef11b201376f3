"""What Telegram checks in a bot's call before it takes effect: text and caption length,
Telegram HTML, reply markup and inline buttons, and the plain values of parameters."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from .errors import BUTTON_DATA_INVALID, MESSAGE_TEXT_EMPTY, bad
from .models import JSONDict
from .telegram_html import HtmlParseError, parse_html, utf16_len

__all__ = [
    "CHAT_ACTIONS",
    "COMMAND_NAME_RE",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "as_bool",
    "as_int",
    "format_text",
    "message_id_of",
    "scope_key",
    "validate_inline_button",
    "validate_markup",
]

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def message_id_of(params: JSONDict) -> int:
    message_id = as_int(params.get("message_id"))
    if message_id is None:
        raise bad("Bad Request: message identifier is not specified")
    return message_id


def format_text(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    limit: int,
    too_long: str,
    allow_empty: bool,
) -> tuple[str, str, str | None, list[JSONDict]]:
    """Returns (plain text, html source, parse mode, entities) or raises ApiError."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = json.dumps(text) if not isinstance(text, int | float) else str(text)
    mode = parse_mode if isinstance(parse_mode, str) and parse_mode else None
    if mode is None:
        plain, source = text, html.escape(text, quote=False)
        parsed_entities = list(entities) if isinstance(entities, list) else []
    elif mode.lower() == "html":
        try:
            parsed = parse_html(text)
        except HtmlParseError as exc:
            raise bad(exc.description) from None
        plain, source, parsed_entities = parsed.text, text, parsed.entities
    elif mode.lower() in ("markdown", "markdownv2"):
        # Not validated by the fake: the text is stored as sent.
        plain, source, parsed_entities = text, html.escape(text, quote=False), []
    else:
        raise bad("Bad Request: unsupported parse_mode")
    if not allow_empty and not plain.strip():
        raise bad(MESSAGE_TEXT_EMPTY)
    if utf16_len(plain.strip()) > limit:
        raise bad(too_long)
    return plain, source, mode, parsed_entities


def validate_markup(raw: Any, *, inline_only: bool = False) -> JSONDict | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad("Bad Request: can't parse reply keyboard markup JSON object") from None
    if not isinstance(raw, dict):
        raise bad("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad(
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be '
                "an Array of Arrays"
            )
        for row in rows:
            for button in row:
                validate_inline_button(button)
        return raw
    if inline_only:
        raise bad("Bad Request: inline keyboard expected")
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad(
                'Bad Request: field "keyboard" of the ReplyKeyboardMarkup should be an Array '
                "of Arrays"
            )
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else None
                if isinstance(button, dict):
                    text = button.get("text")
                if not isinstance(text, str) or not text:
                    raise bad("Bad Request: can't parse keyboard button: Text must be non-empty")
        return raw
    if "remove_keyboard" in raw:
        if raw["remove_keyboard"] is not True:
            raise bad('Bad Request: field "remove_keyboard" must be true')
        return raw
    if "force_reply" in raw:
        if raw["force_reply"] is not True:
            raise bad('Bad Request: field "force_reply" must be true')
        return raw
    raise bad("Bad Request: can't parse reply keyboard markup JSON object")


def validate_inline_button(button: Any) -> None:
    prefix = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad("Bad Request: BUTTON_TEXT_INVALID")
    actions = [a for a in INLINE_BUTTON_ACTIONS if a in button]
    if not actions:
        raise bad(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad(prefix + f"exactly one of the optional fields must be used, got {actions}")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad(prefix + 'Field "callback_data" must be of type String')
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad(BUTTON_DATA_INVALID)
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str):
            raise bad(prefix + 'Field "url" must be of type String')
        if not re.match(r"^(https?|tg)://\S+$", url, re.IGNORECASE):
            raise bad("Bad Request: BUTTON_URL_INVALID")


def scope_key(scope: Any, language_code: Any) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) and scope else {"type": "default"}
    lang = language_code if isinstance(language_code, str) else ""
    return json.dumps(scope, sort_keys=True), lang
