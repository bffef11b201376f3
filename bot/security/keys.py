"""Key material derived from the deployment secret.

One secret feeds several independent keys (HKDF with a label per use), so a key that
leaks through one use does not give away the others.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_LENGTH = 32


def _derive(secret: bytes, label: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"privacyloket", info=label.encode()
    ).derive(secret)


def mac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Keys:
    codes: bytes
    birth_dates: bytes
    audit: bytes
    callbacks: bytes
    pseudonyms: bytes
    encryption: tuple[bytes, ...]
    """The first key encrypts; every key decrypts (old secrets stay usable for rotation)."""

    @classmethod
    def derive(cls, secret: bytes, previous: tuple[bytes, ...] = ()) -> Keys:
        """Keys from the current secret and earlier ones (oldest last).

        Encryption moves to the current secret at once; the stored MACs (codes, dates of
        birth, audit chain, pseudonyms) cannot be recomputed without the values behind them,
        so they stay keyed by the first secret the deployment had, the oldest one given.
        """
        for value in (secret, *previous):
            if len(value) < MIN_SECRET_LENGTH:
                raise ValueError(f"the secret key must be at least {MIN_SECRET_LENGTH} characters")
        first = previous[-1] if previous else secret
        return cls(
            codes=_derive(first, "invitation-codes"),
            birth_dates=_derive(first, "birth-dates"),
            audit=_derive(first, "audit-chain"),
            callbacks=_derive(first, "callback-data"),
            pseudonyms=_derive(first, "pseudonyms"),
            encryption=tuple(_derive(s, "free-text") for s in (secret, *previous)),
        )

    def pseudonym(self, kind: str, value: int | str) -> str:
        """A stable pseudonymous id for logs and audit events (never the raw value)."""
        return f"{kind}:{mac_hex(self.pseudonyms, f'{kind}:{value}')[:12]}"
