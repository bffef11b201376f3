"""When scheduled work is due, in the school's own time zone.

The job queue only wakes the bot every minute; whether a digest, report or retention run is
due is decided here from the clock, and whether it already ran from the ``job_runs`` ledger.
A run missed while the bot was down is therefore made up at the next wake-up, once: a daily
run on the next day it runs, a weekly run on any later day of its week (what it covers is
counted from the run before, so no period is left out). Times are local: 07:30 stays 07:30
across the changes to and from summer time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.deadlines import is_school_day

Cadence = Literal["school_days", "daily", "weekly", "off"]


def _scheduled_on(day: date, cadence: Cadence, holidays: Sequence[tuple[date, date]]) -> bool:
    """Whether a run is scheduled on this local day (weekly runs: on Monday)."""
    match cadence:
        case "off":
            return False
        case "school_days":
            return is_school_day(day, holidays)
        case "weekly":
            return day.weekday() == 0
    return True


def week_period(day: date) -> str:
    """The ISO week a day is in, as a weekly run's period: '2026-W45'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(period: str) -> date:
    """The Monday of a weekly run's period."""
    year, _, week = period.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def due_period(
    now: datetime,
    tz: ZoneInfo,
    at: time,
    cadence: Cadence,
    holidays: Sequence[tuple[date, date]] = (),
    *,
    first: bool = False,
) -> str | None:
    """The period whose run is due at ``now`` (a day, or an ISO week for weekly runs), or
    None when nothing is due yet.

    A weekly run is due from Monday at ``at`` to the end of its week, so a Monday the bot
    missed is made up at the next wake-up; it is made up only by a job that ran before
    (``first`` is False): nothing was missed before the first run, which waits for Monday.
    """
    local = now.astimezone(tz)
    day = local.date()
    started = local >= datetime.combine(day, at, tzinfo=tz)
    if cadence == "weekly":
        if day.weekday() == 0:
            return week_period(day) if started else None
        return None if first else week_period(day)
    if not _scheduled_on(day, cadence, holidays) or not started:
        return None
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
    """The first scheduled moment after ``now`` (the demo's "to the next digest"), or None
    when there is none within ``within_days``."""
    local = now.astimezone(tz)
    for offset in range(within_days + 1):
        day = local.date() + timedelta(days=offset)
        moment = datetime.combine(day, at, tzinfo=tz)
        if moment > local and _scheduled_on(day, cadence, holidays):
            return moment
    return None
