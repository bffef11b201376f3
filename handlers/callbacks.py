"""The one codec for callback data.

``action:arg:arg~signature``, at most 64 bytes. The signature binds the data to the
Telegram user it was made for, so a button cannot be forged or replayed by someone else;
whether it belongs to the newest menu is checked by the gate in handlers.gate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_BYTES = 64
_SIGNATURE_LENGTH = 8
_PART = re.compile(r"[A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int) -> int | None:
        try:
            return int(self.args[index])
        except (IndexError, ValueError):
            return None


class CallbackCodec:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, user_id: int, body: str) -> str:
        digest = hmac.new(self._key, f"{user_id}|{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_LENGTH]

    def encode(self, user_id: int, action: str, *args: str | int) -> str:
        parts = [action, *map(str, args)]
        if not action or any(not _PART.fullmatch(p) for p in parts):
            raise ValueError(f"callback parts must match {_PART.pattern}")
        body = ":".join(parts)
        data = f"{body}~{self._sign(user_id, body)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data for {action!r} is longer than {MAX_BYTES} bytes")
        return data

    def decode(self, user_id: int, data: str) -> Callback | None:
        """The callback, or None when the data was not made by us for this user.

        What ``encode`` makes is ASCII and at most 64 bytes; anything else (a signature in
        another script, a lone surrogate, a part we would never write) is refused here, like
        a forged signature, before it is compared or split.
        """
        if not data.isascii() or len(data) > MAX_BYTES:
            return None
        body, sep, signature = data.rpartition("~")
        if not sep or not hmac.compare_digest(signature, self._sign(user_id, body)):
            return None
        action, *args = body.split(":")
        if not action or not all(_PART.fullmatch(p) for p in (action, *args)):
            return None
        return Callback(action, tuple(args))
