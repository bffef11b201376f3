"""A closing date as the head teacher types it for a new consent round."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.staff.round_drafts import parse_day


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("13-11-2026", date(2026, 11, 13)),
        ("13/11/2026", date(2026, 11, 13)),
        ("13.11.2026", date(2026, 11, 13)),
        (" 1-2-2027 ", date(2027, 2, 1)),
        ("2026-11-13", date(2026, 11, 13)),
        ("29-02-2028", date(2028, 2, 29)),
    ],
)
def test_a_typed_date_is_read_day_first(typed: str, day: date) -> None:
    assert parse_day(typed) == day


@pytest.mark.parametrize(
    "typed",
    [
        "31-02-2026",
        "29-02-2027",
        "13-11-26",
        "morgen",
        "",
        "13-13-2026",
        "١٣-١١-٢٠٢٦",
        "13-11-2026x",
    ],
)
def test_anything_else_is_not_a_date(typed: str) -> None:
    assert parse_day(typed) is None
