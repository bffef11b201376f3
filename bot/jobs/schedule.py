"""When scheduled work is due, in the school's own time zone.

The job queue only wakes the bot every minute; whether a digest, report or retention run is
due is decided here from the clock, and whether it already ran from the ``job_runs`` ledger.
A run missed while the bot was down is therefore made up at the next wake-up, once. Times
are local: 07:30 stays 07:30 across the changes to and from summer time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.deadlines import is_school_day

Cadence = Literal["school_days", "daily", "weekly", "off"]


def due_period(
    now: datetime,
    tz: ZoneInfo,
    at: time,
    cadence: Cadence,
    holidays: Sequence[tuple[date, date]] = (),
) -> str | None:
    """The period whose run is due at ``now`` (a day, or an ISO week for weekly runs on
    Monday), or None when nothing is due yet today."""
    local = now.astimezone(tz)
    day = local.date()
    if cadence == "off":
        return None
    if cadence == "school_days" and not is_school_day(day, holidays):
        return None
    if cadence == "weekly" and day.weekday() != 0:
        return None
    if local < datetime.combine(day, at, tzinfo=tz):
        return None
    if cadence == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def next_due(
    now: datetime,
    tz: ZoneInfo,
    at: time,
    cadence: Cadence,
    holidays: Sequence[tuple[date, date]] = (),
    *,
    within_days: int = 60,
) -> datetime | None:
    """The first moment after ``now`` at which a new period's run becomes due (the demo's
    "to the next digest"), or None when there is none within ``within_days``."""
    local = now.astimezone(tz)
    for offset in range(within_days + 1):
        day = local.date() + timedelta(days=offset)
        moment = datetime.combine(day, at, tzinfo=tz)
        if moment > local and due_period(moment, tz, at, cadence, holidays) is not None:
            return moment
    return None
