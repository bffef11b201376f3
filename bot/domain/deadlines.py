"""Legal deadlines (AVG art. 12(3)): one calendar month after receipt, in the school's zone."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day that month lacks becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received_at: datetime, tz: ZoneInfo) -> date:
    """Received on 31 January (local time) is due on the last day of February."""
    return add_months(received_at.astimezone(tz).date(), 1)
