"""Deadlines in the school's zone: one calendar month after receipt for a request (AVG art.
12(3)), at most two further months in total when it is extended, a few school days for a
photo-consent task."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day that month lacks becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received_at: datetime, tz: ZoneInfo) -> date:
    """Received on 31 January (local time) is due on the last day of February."""
    return add_months(received_at.astimezone(tz).date(), 1)


MAX_EXTENSION_MONTHS = 2
"""AVG art. 12(3): the month to answer can be extended by at most two further months in
total (for a complex request or many requests), in one step or in two."""


def extended_due(received_on: date, months: int) -> date:
    """The answer date after extensions of ``months`` in total, counted from the local day of
    receipt like the first month: received 31 January, extended by two months: 30 April."""
    if not 0 <= months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is 0 to {MAX_EXTENSION_MONTHS} months in total")
    return add_months(received_on, 1 + months)


def months_extended(received_on: date, extended_due_on: date | None) -> int:
    """How many of the further months an extension to ``extended_due_on`` used."""
    if extended_due_on is None:
        return 0
    for months in range(1, MAX_EXTENSION_MONTHS + 1):
        if extended_due_on <= extended_due(received_on, months):
            return months
    return MAX_EXTENSION_MONTHS


def is_school_day(day: date, holidays: Sequence[tuple[date, date]] = ()) -> bool:
    """Monday to Friday, outside every holiday period (first and last day included)."""
    return day.weekday() < 5 and not any(start <= day <= end for start, end in holidays)


def school_days_after(
    received_at: datetime,
    tz: ZoneInfo,
    days: int,
    holidays: Sequence[tuple[date, date]] = (),
) -> date:
    """The ``days``-th school day after the local date of receipt (that day not counted).

    Only calendar dates are counted, so a change of clocks cannot shift the result.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day = received_at.astimezone(tz).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_school_day(day, holidays):
            counted += 1
    return day


def school_day_on_or_before(day: date, holidays: Sequence[tuple[date, date]] = ()) -> date:
    """The day itself when it is a school day, else the last school day before it."""
    while not is_school_day(day, holidays):
        day -= timedelta(days=1)
    return day
