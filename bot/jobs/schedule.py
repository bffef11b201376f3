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
