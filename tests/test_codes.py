from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.security import codes


def test_a_code_carries_128_random_bits_in_crockford_base32() -> None:
    generated = {codes.generate() for _ in range(200)}
    assert len(generated) == 200
    for code in generated:
        assert len(code) == 26
        assert set(code) <= set(codes.ALPHABET)
        assert not set(code) & set("ILOU")


def test_display_groups_fit_a_letter_and_the_deep_link_stays_short() -> None:
    code = codes.generate()
    shown = codes.display(code)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}(-[0-9A-Z]{4}){4}", shown)
    assert len(f"/start {code}") <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", code)


def test_typed_codes_are_normalised() -> None:
    code = "0123456789ABCDEFGHJKMNPQRS"
    assert codes.normalise(code) == code
    assert codes.normalise(" o123-4567 89ab-cdef ghjk mnpq rs ") == code
    assert codes.normalise("O1234567B9ABCDEFGHJKMNPQRS".lower()) == "01234567B9ABCDEFGHJKMNPQRS"
    assert codes.normalise("I123456789ABCDEFGHJKMNPQRS") == "1123456789ABCDEFGHJKMNPQRS"
    assert codes.normalise("L123456789ABCDEFGHJKMNPQRS") == "1123456789ABCDEFGHJKMNPQRS"


def test_what_cannot_be_a_code_is_refused() -> None:
    for typed in [
        "",
        "hallo",
        "0123456789ABCDEFGHJKMNPQR",
        "0123456789ABCDEFGHJKMNPQRSX",
        "0123456789ABCDEFGHJKMNPQRU",
        "<b>x</b>",
        "😀" * 26,
        "x" * 5000,
    ]:
        assert codes.normalise(typed) is None


@given(st.text(max_size=80))
def test_normalise_never_crashes_and_only_returns_valid_codes(typed: str) -> None:
    result = codes.normalise(typed)
    assert result is None or (len(result) == 26 and set(result) <= set(codes.ALPHABET))


def test_display_then_normalise_round_trips() -> None:
    code = codes.generate()
    assert codes.normalise(codes.display(code)) == code


def test_code_macs_depend_on_the_key_and_the_code() -> None:
    code = codes.generate()
    assert codes.code_mac(b"k" * 32, code) == codes.code_mac(b"k" * 32, code)
    assert codes.code_mac(b"k" * 32, code) != codes.code_mac(b"j" * 32, code)
    assert code not in codes.code_mac(b"k" * 32, code)
