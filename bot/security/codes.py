"""Invitation codes: 128 random bits in Crockford base32, shown in small groups."""

from __future__ import annotations

import secrets
from datetime import date

from bot.security.keys import mac_hex

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 26  # ceil(128 / 5)
_GROUPS = (5, 5, 4, 4, 4, 4)
_TYPO_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\u00a0")


def generate() -> str:
    """A fresh code in its compact form (also what goes into a /start deep link)."""
    value = secrets.randbits(CODE_LENGTH * 5)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def display(code: str) -> str:
    """The code in groups with dashes, for letters and messages."""
    parts, start = [], 0
    for size in _GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def normalise(typed: str) -> str | None:
    """The compact code for what a person typed, or None if it cannot be a code.

    Case, spaces and dashes do not matter; O is read as 0 and I and L as 1.
    """
    compact = typed.strip().upper().translate(_SEPARATORS).translate(_TYPO_FIXES)
    if len(compact) != CODE_LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def code_mac(key: bytes, code: str) -> str:
    return mac_hex(key, f"invitation:{code}")


def birth_date_mac(key: bytes, school_slug: str, student_external_id: str, day: date) -> str:
    """Dates of birth are stored only as this MAC, bound to the student."""
    return mac_hex(key, f"birth-date:{school_slug}:{student_external_id}:{day.isoformat()}")
