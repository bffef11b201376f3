"""How the emulator refuses a call: Telegram's error descriptions and the error body
(HTTP status plus ``{"ok": false, "error_code", "description", "parameters"}``)."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from .models import JSONDict

__all__ = [
    "BLOCKED",
    "BUTTON_DATA_INVALID",
    "CAPTION_TOO_LONG",
    "CHAT_NOT_FOUND",
    "CONFLICT",
    "DELETE_NOT_FOUND",
    "EDIT_NOT_FOUND",
    "MESSAGE_TEXT_EMPTY",
    "MESSAGE_TOO_LONG",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "ApiError",
    "Fault",
    "bad",
    "default_description",
    "error_body",
]

MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"
MESSAGE_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: BLOCKED,
    404: "Not Found",
    409: CONFLICT,
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """Raised by method handlers: answered as ``{"ok": false, ...}`` with ``status``."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: JSONDict | None = None,
        *,
        fault: str | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.fault = fault


def bad(description: str) -> ApiError:
    return ApiError(400, description)


def error_body(status: int, description: str, parameters: JSONDict | None = None) -> JSONDict:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def default_description(status: int, retry_after: float | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    if status in DEFAULT_DESCRIPTIONS:
        return DEFAULT_DESCRIPTIONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


@dataclass
class Fault:
    """An injected failure: the next call of a method is answered with this."""

    status: int
    description: str
    parameters: JSONDict | None
