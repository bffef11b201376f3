from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.deadlines import (
    add_months,
    due_date,
    extended_due,
    is_school_day,
    months_extended,
    school_days_after,
)

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2028, 2, 29), date(2028, 3, 29)),
    ],
)
def test_one_calendar_month(received: date, due: date) -> None:
    assert add_months(received, 1) == due


def test_the_local_date_of_receipt_counts_not_utc() -> None:
    # 23:30 UTC on 31 January is already 1 February in Amsterdam.
    assert due_date(datetime(2026, 1, 31, 23, 30, tzinfo=UTC), AMS) == date(2026, 3, 1)
    assert due_date(datetime(2026, 1, 31, 22, 30, tzinfo=UTC), AMS) == date(2026, 2, 28)


def test_across_daylight_saving_changes() -> None:
    # Clocks go forward on 29 March 2026 and back on 25 October 2026.
    assert due_date(datetime(2026, 3, 28, 23, 30, tzinfo=UTC), AMS) == date(2026, 4, 29)
    assert due_date(datetime(2026, 10, 24, 22, 30, tzinfo=UTC), AMS) == date(2026, 11, 25)
    assert due_date(datetime(2026, 10, 25, 22, 59, tzinfo=UTC), AMS) == date(2026, 11, 25)
    assert due_date(datetime(2026, 10, 25, 23, 0, tzinfo=UTC), AMS) == date(2026, 11, 26)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_due_is_always_about_a_month_later_and_never_skips_a_month(day: date) -> None:
    due = add_months(day, 1)
    assert 28 <= (due - day).days <= 31
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1


# --- photo-consent tasks: school days -----------------------------------------------------

CHRISTMAS = [(date(2026, 12, 19), date(2027, 1, 3))]


def _local(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMS)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (date(2026, 11, 2), 5, date(2026, 11, 9)),  # Monday -> next Monday
        (date(2026, 11, 6), 5, date(2026, 11, 13)),  # Friday -> next Friday
        (date(2026, 11, 7), 5, date(2026, 11, 13)),  # Saturday: Monday is the first day
        (date(2026, 11, 8), 1, date(2026, 11, 9)),  # Sunday -> Monday
        (date(2026, 11, 6), 1, date(2026, 11, 9)),  # Friday -> Monday
        (date(2026, 12, 16), 5, date(2027, 1, 6)),  # Wed; Christmas holidays skipped
        (date(2026, 12, 19), 1, date(2027, 1, 4)),  # received in the holidays
        (date(2027, 1, 3), 1, date(2027, 1, 4)),  # the last day of a holiday is off too
    ],
)
def test_school_days_skip_weekends_and_holidays(received: date, days: int, due: date) -> None:
    assert school_days_after(_local(received), AMS, days, CHRISTMAS) == due


def test_school_days_count_local_dates_across_clock_changes() -> None:
    # Sunday 29 March 2026, 23:30 UTC is already Monday 30 March in Amsterdam (summer time).
    assert school_days_after(datetime(2026, 3, 29, 21, 59, tzinfo=UTC), AMS, 1) == date(
        2026, 3, 30
    )
    assert school_days_after(datetime(2026, 3, 29, 22, 0, tzinfo=UTC), AMS, 1) == date(2026, 3, 31)
    # Sunday 25 October 2026: clocks go back at 01:00 UTC; 23:00 UTC is Monday locally.
    assert school_days_after(datetime(2026, 10, 25, 22, 59, tzinfo=UTC), AMS, 5) == date(
        2026, 10, 30
    )
    assert school_days_after(datetime(2026, 10, 25, 23, 0, tzinfo=UTC), AMS, 5) == date(
        2026, 11, 2
    )


def test_a_holiday_day_and_a_weekend_are_not_school_days() -> None:
    assert is_school_day(date(2026, 11, 2))
    assert not is_school_day(date(2026, 11, 7))
    assert not is_school_day(date(2026, 12, 21), CHRISTMAS)
    with pytest.raises(ValueError):
        school_days_after(_local(date(2026, 11, 2)), AMS, 0)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=1, max_value=30),
)
def test_the_due_day_is_a_school_day_with_exactly_n_school_days_up_to_it(
    day: date, days: int
) -> None:
    due = school_days_after(_local(day), AMS, days, CHRISTMAS)
    assert is_school_day(due, CHRISTMAS)
    between = [day + timedelta(days=i) for i in range(1, (due - day).days + 1)]
    assert sum(is_school_day(d, CHRISTMAS) for d in between) == days


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2026, 1, 31), 2, date(2026, 4, 30)),  # not 28 April (28 February + 2 months)
        (date(2026, 1, 31), 1, date(2026, 3, 31)),
        (date(2028, 1, 31), 1, date(2028, 3, 31)),
        (date(2026, 11, 30), 2, date(2027, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 3, 31)),
    ],
)
def test_an_extension_counts_from_the_day_of_receipt(
    received: date, months: int, due: date
) -> None:
    assert extended_due(received, months) == due
    assert months_extended(received, due) == months


def test_months_extended_counts_an_earlier_date_as_its_month_and_never_more_than_two() -> None:
    received = date(2026, 1, 31)
    assert months_extended(received, None) == 0
    assert months_extended(received, date(2026, 3, 28)) == 1  # dates set before this rule
    assert months_extended(received, date(2026, 4, 28)) == 2
    assert months_extended(received, date(2026, 6, 1)) == 2
    with pytest.raises(ValueError):
        extended_due(received, 3)  # never past three months after receipt
