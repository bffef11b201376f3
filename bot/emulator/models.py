"""Plain data objects of the fake Bot API: users, messages the bot sent, recorded API calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiCall", "FakeGroup", "FakeUser", "SentMessage", "UploadedFile", "buttons_of"]

JSONDict = dict[str, Any]


@dataclass
class FakeUser:
    """A Telegram user talking to the bot in a private chat (private chat id == user id)."""

    id: int
    first_name: str = "Test"
    language_code: str | None = "nl"
    username: str | None = None

    @property
    def chat_id(self) -> int:
        return self.id

    def to_dict(self) -> JSONDict:
        """The Bot API ``User`` object."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def chat_dict(self) -> JSONDict:
        """The Bot API ``Chat`` object of the private chat with this user."""
        data: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class FakeGroup:
    """A group, supergroup or channel the bot was added to (ids are negative)."""

    id: int
    title: str = "Ouders groep 3"
    type: str = "group"

    @property
    def chat_id(self) -> int:
        return self.id

    def chat_dict(self) -> JSONDict:
        """The Bot API ``Chat`` object."""
        return {"id": self.id, "type": self.type, "title": self.title}


def buttons_of(reply_markup: JSONDict | None) -> list[list[tuple[str, str | None]]]:
    """Rows of ``(text, callback_data)`` of an inline keyboard; reply keyboards give
    ``(text, None)`` per button; anything else (no markup, remove/force reply) gives ``[]``."""
    if not reply_markup:
        return []
    rows: list[list[tuple[str, str | None]]] = []
    if "inline_keyboard" in reply_markup:
        for row in reply_markup["inline_keyboard"]:
            rows.append([(str(b["text"]), b.get("callback_data")) for b in row])
    elif "keyboard" in reply_markup:
        for row in reply_markup["keyboard"]:
            rows.append([(b if isinstance(b, str) else str(b["text"]), None) for b in row])
    return rows


@dataclass
class SentMessage:
    """Current state of a message the bot sent (updated in place on edits and deletion).

    ``text`` is the plain text the user sees (entities parsed, HTML unescaped); ``html`` the
    text as the bot sent it when ``parse_mode`` was HTML, or the HTML-escaped plain text
    otherwise. For documents, ``text`` is ``""``, ``caption`` the plain caption and ``html``
    the caption's HTML source.
    """

    chat_id: int
    message_id: int
    date: int
    text: str
    html: str
    parse_mode: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    reply_markup: JSONDict | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False
    document: tuple[str, bytes] | None = None
    document_mime_type: str | None = None
    caption: str | None = None
    photo: str | None = None
    """The file id of a photo the bot sent (then ``text`` is ``""``)."""
    history: list[str] = field(default_factory=list)
    """Previous plain texts, oldest first (one entry per text edit)."""
    sent_at: float = 0.0
    """``time.monotonic()`` when the message was sent."""

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        return buttons_of(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def is_document(self) -> bool:
        return self.document is not None

    @property
    def inline_markup(self) -> JSONDict | None:
        """``reply_markup`` if it is an inline keyboard (what Telegram attaches to the message)."""
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            return self.reply_markup
        return None


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content: bytes
    content_type: str | None = None


@dataclass
class ApiCall:
    """One HTTP request to the fake Bot API.

    ``params`` holds the JSON-decoded parameters (query string, form fields, or JSON body);
    uploaded files are in ``files``. ``status`` is 0 (and ``response`` empty) while no response
    was sent yet, or when the client gave up before it was (timeout, cancelled long poll).
    ``fault`` says why a call failed without being the bot's fault: ``"injected"`` (fail_next),
    ``"hang"`` (hang_next), ``"blocked"`` (the user blocked the bot), ``"conflict"`` (a
    getUpdates long poll terminated by a newer one); ``None`` otherwise.
    """

    method: str
    params: JSONDict
    status: int
    response: JSONDict
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    fault: str | None = None
    http_method: str = "POST"
    client: str | None = None
    """The path prefix the bot called through (``/<client>/bot<token>/<method>``): which of
    several bot processes made the call."""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def description(self) -> str | None:
        value = self.response.get("description")
        return value if isinstance(value, str) else None

    @property
    def result(self) -> Any:
        return self.response.get("result")
