from __future__ import annotations

import pytest

from bot.security.crypto import Cipher, DecryptionError
from bot.security.keys import Keys

SECRET = b"s" * 40


def test_text_round_trips_and_is_bound_to_its_row() -> None:
    cipher = Cipher(Keys.derive(SECRET).encryption)
    blob = cipher.encrypt_text("Zoë's dyslexie <b>", "case:1:text")
    assert b"dyslexie" not in blob
    assert cipher.decrypt_text(blob, "case:1:text") == "Zoë's dyslexie <b>"
    with pytest.raises(DecryptionError):
        cipher.decrypt_text(blob, "case:2:text")


def test_tampering_is_detected() -> None:
    cipher = Cipher(Keys.derive(SECRET).encryption)
    blob = bytearray(cipher.encrypt_text("hello", "ctx"))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.decrypt_text(bytes(blob), "ctx")
    with pytest.raises(DecryptionError):
        cipher.decrypt_text(b"garbage", "ctx")


def test_old_keys_still_decrypt_after_rotation_and_new_text_uses_the_new_key() -> None:
    old = Cipher(Keys.derive(SECRET).encryption)
    blob = old.encrypt_text("before rotation", "ctx")
    rotated = Cipher(Keys.derive(b"n" * 40, previous=(SECRET,)).encryption)
    assert rotated.decrypt_text(blob, "ctx") == "before rotation"
    fresh = rotated.encrypt_text("after", "ctx")
    with pytest.raises(DecryptionError):
        old.decrypt_text(fresh, "ctx")
    without_old = Cipher(Keys.derive(b"n" * 40).encryption)
    with pytest.raises(DecryptionError):
        without_old.decrypt_text(blob, "ctx")


def test_derived_keys_differ_per_use_and_a_short_secret_is_refused() -> None:
    keys = Keys.derive(SECRET)
    assert (
        len(
            {
                keys.codes,
                keys.birth_dates,
                keys.audit,
                keys.callbacks,
                keys.pseudonyms,
                keys.encryption[0],
            }
        )
        == 6
    )
    with pytest.raises(ValueError, match="at least"):
        Keys.derive(b"short")


def test_pseudonyms_are_stable_and_reveal_nothing() -> None:
    keys = Keys.derive(SECRET)
    assert keys.pseudonym("tg", 424242) == keys.pseudonym("tg", 424242)
    assert keys.pseudonym("tg", 424242) != keys.pseudonym("tg", 424243)
    assert "424242" not in keys.pseudonym("tg", 424242)
