"""What a parent types as a request's text: kept as typed, or refused with a reason."""

from __future__ import annotations

import pytest

from bot.domain.free_text import (
    MAX_TEXT,
    InvalidText,
    TextProblem,
    clean_text,
    text_problem,
    valid_text,
)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", TextProblem.EMPTY),
        ("  \n\t ", TextProblem.EMPTY),
        ("\u200b", TextProblem.EMPTY),
        ("\u2060\ufeff\u200b \u00a0\u3000\u2028", TextProblem.EMPTY),
        ("\x00", TextProblem.CONTROL),
        ("Adres\x00 klopt niet", TextProblem.CONTROL),
        ("\x07bel", TextProblem.CONTROL),
        ("\x7f", TextProblem.CONTROL),
        ("next\x85line", TextProblem.CONTROL),
        ("x" * (MAX_TEXT + 1), TextProblem.TOO_LONG),
        ("x" * MAX_TEXT, None),
        ("Adres klopt niet\n\tDorpsstraat 1", None),
        ("\u200bAdres", None),
        ("👨‍👩‍👧 gezin", None),
        ("/ geen opdracht", None),
    ],
)
def test_text_problems(typed: str, problem: TextProblem | None) -> None:
    assert text_problem(typed) == problem
    if problem is None:
        assert valid_text(typed) == clean_text(typed)
    else:
        with pytest.raises(InvalidText):
            valid_text(typed)


def test_cleaning_changes_nothing_inside_the_text() -> None:
    assert clean_text("  a\r\nb\rc  \n") == "a\nb\nc"
    assert clean_text("a  \u200b  b") == "a  \u200b  b"
