"""When scheduled work is due, in the school's own time zone.

The job queue only wakes the bot every minute; whether a digest, report or retention run is
due is decided here from the clock, and whether it already ran from the ``job_runs`` ledger.
A run missed while the bot was down is therefore made up at the next wake-up, once. Times
are local: 07:30 stays 07:30 across the changes to and from summer time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.deadlines import is_school_day
from bot.schools.config import SchoolConfig

Cadence = Literal["school_days", "daily", "weekly", "off"]
Job = Literal["retention", "reminders", "digest", "report"]


@dataclass(frozen=True, slots=True)
class Slot:
    """When one job of ``bot.jobs.scheduled.run_due`` runs for a school."""

    job: Job
    at: time
    cadence: Cadence
    holidays: Sequence[tuple[date, date]] = ()

    def next_due(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        return next_due(now, tz, self.at, self.cadence, self.holidays)


def timetable(school: SchoolConfig) -> tuple[Slot, ...]:
    """Every scheduled job of ``school`` with the time, cadence and holidays its own module
    checks (retention, reminders, digest, report), in the order ``run_due`` runs them."""
    s = school.schedule
    return (
        Slot("retention", s.retention_time, "daily"),
        Slot("reminders", s.reminder_time, "school_days", school.holiday_periods),
        Slot("digest", s.digest_time, s.digest, school.holiday_periods),
        Slot("report", s.report_time, s.report),
    )


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


def step_landing(now: datetime, step: timedelta, schools: Sequence[SchoolConfig]) -> datetime:
    """Where a step of ``step`` from ``now`` lands (the demo's "+1 day"): the same time of
    day, but never before the time of a job it passed over, so that the job still runs on
    the day it lands on (after 07:31 and a day, at 08:00: the reminders are not skipped)."""
    target = now + step
    landing = target
    for school in schools:
        local = target.astimezone(school.tz)
        for slot in timetable(school):
            passed = slot.next_due(now, school.tz)
            if passed is None or passed > target or slot.at <= local.time():
                continue
            landing = max(landing, datetime.combine(local.date(), slot.at, tzinfo=school.tz))
    return landing
