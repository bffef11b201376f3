"""Scheduled work is due at a local time that stays put across the changes of clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.jobs.schedule import due_period, next_due

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        # 2027: summer time starts on 28 March and ends on 31 October.
        ("2027-03-26", 6),  # Friday before: CET, 07:30 local is 06:30 UTC
        ("2027-03-29", 5),  # Monday after: CEST, 07:30 local is 05:30 UTC
        ("2027-10-29", 5),  # Friday before the end: still CEST
        ("2027-11-01", 6),  # Monday after: CET again
    ],
)
def test_a_digest_at_07_30_is_due_at_07_30_local_on_both_sides_of_a_dst_change(
    day: str, utc_hour: int
) -> None:
    y, m, d = (int(p) for p in day.split("-"))
    just_before = datetime(y, m, d, utc_hour, 29, 59, tzinfo=UTC)
    at = datetime(y, m, d, utc_hour, 30, tzinfo=UTC)
    assert due_period(just_before, AMS, time(7, 30), "school_days") is None
    assert due_period(at, AMS, time(7, 30), "school_days") == day
    assert at.astimezone(AMS).time() == time(7, 30)


def test_school_days_skip_the_weekend_and_weekly_runs_on_monday_per_iso_week() -> None:
    saturday = datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    assert due_period(saturday, AMS, time(7, 30), "school_days") is None
    assert due_period(saturday, AMS, time(7, 30), "daily") == "2027-03-27"
    assert due_period(saturday, AMS, time(7, 30), "weekly", first=True) is None
    monday = datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert due_period(monday, AMS, time(7, 30), "weekly") == "2027-W13"
    assert due_period(monday, AMS, time(7, 30), "weekly", first=True) == "2027-W13"
    assert due_period(monday, AMS, time(7, 30), "off") is None


@pytest.mark.parametrize(
    ("local", "period"),
    [
        # 2026: summer time ends on Sunday 25 October, so Monday 26 October is the first
        # Monday in CET; a bot down from Sunday until Tuesday makes that Monday's run up.
        (datetime(2026, 10, 26, 7, 59), None),  # Monday before 08:00: wait for 08:00
        (datetime(2026, 10, 26, 8, 0), "2026-W44"),
        (datetime(2026, 10, 27, 0, 1), "2026-W44"),  # Tuesday: the missed Monday's run
        (datetime(2026, 10, 30, 12, 0), "2026-W44"),
        (datetime(2026, 11, 1, 23, 59), "2026-W44"),  # up to the end of the Sunday
        (datetime(2026, 11, 2, 0, 0), None),  # the next Monday: its own run at 08:00
        (datetime(2026, 11, 2, 8, 0), "2026-W45"),
        (datetime(2026, 3, 31, 9, 0), "2026-W14"),  # the Tuesday after summer time began
    ],
)
def test_a_weekly_run_missed_on_its_monday_is_due_for_the_rest_of_its_week(
    local: datetime, period: str | None
) -> None:
    now = local.replace(tzinfo=AMS).astimezone(UTC)
    assert due_period(now, AMS, time(8, 0), "weekly") == period
    # A job that never ran has missed nothing: it waits for a Monday.
    monday = local.weekday() == 0
    assert due_period(now, AMS, time(8, 0), "weekly", first=True) == (period if monday else None)


def test_the_local_day_decides_not_the_utc_day() -> None:
    # 23:30 UTC on Sunday is 00:30 on Monday in Amsterdam.
    late = datetime(2027, 1, 3, 23, 30, tzinfo=UTC)
    assert due_period(late, AMS, time(0, 15), "school_days") == "2027-01-04"


def test_the_next_digest_skips_weekends_holidays_and_a_time_already_past() -> None:
    at = time(7, 30)
    holidays = [(date(2026, 12, 19), date(2027, 1, 3))]
    friday_noon = datetime(2026, 11, 6, 11, 0, tzinfo=UTC)
    assert next_due(friday_noon, AMS, at, "school_days") == datetime(
        2026, 11, 9, 7, 30, tzinfo=AMS
    )
    monday_early = datetime(2026, 11, 9, 5, 0, tzinfo=UTC)
    assert next_due(monday_early, AMS, at, "school_days") == datetime(
        2026, 11, 9, 7, 30, tzinfo=AMS
    )
    before_christmas = datetime(2026, 12, 18, 12, 0, tzinfo=UTC)
    assert next_due(before_christmas, AMS, at, "school_days", holidays) == datetime(
        2027, 1, 4, 7, 30, tzinfo=AMS
    )
    assert next_due(friday_noon, AMS, at, "weekly") == datetime(2026, 11, 9, 7, 30, tzinfo=AMS)
    assert next_due(friday_noon, AMS, at, "off") is None
