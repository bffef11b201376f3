from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.deadlines import add_months, due_date

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
