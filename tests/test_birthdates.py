from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.birthdates import parse_birth_date

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    "typed",
    [
        "14-02-2020",
        "14-2-2020",
        "14/02/2020",
        "14/2/20",
        "14.02.2020",
        "14 02 2020",
        "14022020",
        "2020-02-14",
        "14 februari 2020",
        "14 feb 2020",
        "14 feb. 2020",
        "14 February 2020",
        "February 14, 2020",
        "14e februari 2020",
        "  14-02-2020  ",
        "14 FEBRUARI 2020",
    ],
)
def test_common_ways_of_writing_a_date_are_read(typed: str) -> None:
    assert parse_birth_date(typed, TODAY) == date(2020, 2, 14)


def test_dutch_month_abbreviations() -> None:
    assert parse_birth_date("3 mrt 2019", TODAY) == date(2019, 3, 3)
    assert parse_birth_date("3 okt 2019", TODAY) == date(2019, 10, 3)
    assert parse_birth_date("3 mei 2019", TODAY) == date(2019, 5, 3)
    assert parse_birth_date("3 sept. 2019", TODAY) == date(2019, 9, 3)


def test_two_digit_years_are_never_in_the_future() -> None:
    assert parse_birth_date("01-01-26", TODAY) == date(2026, 1, 1)
    assert parse_birth_date("01-01-27", TODAY) == date(1927, 1, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "hallo",
        "31-02-2020",
        "14-13-2020",
        "14-02-2030",
        "29-02-2019",
        "14 brumaire 2020",
        "<b>14-02-2020</b>",
        "1" * 5000,
        "14-02",
        "2020",
    ],
)
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    assert parse_birth_date(typed, TODAY) is None


def test_leap_day_exists_only_in_leap_years() -> None:
    assert parse_birth_date("29-02-2020", TODAY) == date(2020, 2, 29)


@given(st.text(max_size=60))
def test_never_crashes(typed: str) -> None:
    result = parse_birth_date(typed, TODAY)
    assert result is None or result <= TODAY


@given(st.dates(min_value=date(1950, 1, 1), max_value=TODAY))
def test_every_real_date_round_trips_in_dutch_notation(day: date) -> None:
    assert parse_birth_date(day.strftime("%d-%m-%Y"), TODAY) == day
