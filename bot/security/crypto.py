"""Encryption at rest for what people type (and for conversation drafts).

AES-256-GCM with the row's identity as associated data, so a ciphertext copied into
another row does not decrypt. Each blob names its key, so old keys keep decrypting
after the secret is rotated while new text uses the newest key.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_KEY_ID_LENGTH = 4
_NONCE_LENGTH = 12


class DecryptionError(Exception):
    """The blob was not made by us for this row, or its key is no longer configured."""


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"key-id:" + key).digest()[:_KEY_ID_LENGTH]


class Cipher:
    def __init__(self, keys: tuple[bytes, ...]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._current = keys[0]
        self._by_id = {_key_id(k): AESGCM(k) for k in keys}

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE_LENGTH)
        key_id = _key_id(self._current)
        sealed = self._by_id[key_id].encrypt(nonce, plaintext, _VERSION + context.encode())
        return _VERSION + key_id + nonce + sealed

    def decrypt(self, blob: bytes, context: str) -> bytes:
        header = 1 + _KEY_ID_LENGTH + _NONCE_LENGTH
        if len(blob) < header or blob[:1] != _VERSION:
            raise DecryptionError("not an encrypted blob")
        aead = self._by_id.get(blob[1 : 1 + _KEY_ID_LENGTH])
        if aead is None:
            raise DecryptionError("encrypted with a key that is not configured")
        try:
            return aead.decrypt(
                blob[1 + _KEY_ID_LENGTH : header], blob[header:], _VERSION + context.encode()
            )
        except InvalidTag:
            raise DecryptionError("ciphertext does not belong to this row") from None

    def encrypt_text(self, text: str, context: str) -> bytes:
        return self.encrypt(text.encode(), context)

    def decrypt_text(self, blob: bytes, context: str) -> str:
        return self.decrypt(blob, context).decode()
