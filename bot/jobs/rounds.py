"""Consent rounds over time, woken every minute with the rest of the scheduled work: rounds
whose closing date has passed are closed (with their summary), then every open round is
followed up (leaving and joining the roster, newly linked guardians, reminders).

What is due is read from the clock and the database and recorded with the messages it
queues, so a restart or a missed minute neither loses nor repeats anything.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.domain.deadlines import is_school_day
from bot.domain.rounds.closing import RoundClosing
from bot.domain.rounds.follow_up import RoundFollowUp
from bot.domain.rounds.model import SEND_FROM
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import rounds as rows
from storage.db import Database, from_db
from storage.rounds import RequestRow


async def run_due(
    db: Database, keys: Keys, cipher: Cipher, clock: Clock, schools: dict[int, SchoolConfig]
) -> int:
    """Close and follow up consent rounds; how many rounds closed and messages queued."""
    bell = Bell()  # the caller wakes the dispatcher when anything was queued
    closed = await RoundClosing(db, keys, cipher, clock, schools, bell).close_due()
    return closed + await RoundFollowUp(db, cipher, clock, schools, bell).run()


def _first_reminder_day(request: RequestRow, days: list[int], school: SchoolConfig) -> date | None:
    """The first day the next reminder of a request may go out (bot.domain.rounds.follow_up:
    ``days[n-1]`` days after it was asked, never on the day of the reminder before it)."""
    if request.asked_at is None or request.reminders >= len(days):
        return None
    asked = from_db(request.asked_at).astimezone(school.tz).date()
    day = asked + timedelta(days=days[request.reminders])
    if request.reminded_at is not None:
        reminded = from_db(request.reminded_at).astimezone(school.tz).date()
        day = max(day, reminded + timedelta(days=1))
    return day


async def next_moments(
    db: Database, now: datetime, schools: dict[int, SchoolConfig], *, within_days: int = 60
) -> dict[datetime, set[str]]:
    """When an open round next closes ("round_closing") and when its next reminders go out
    ("round_reminders": 08:00 of the first school day one is due, before the round
    closes), after ``now``; for the demo's "next event"."""
    found: dict[datetime, set[str]] = {}
    conn = db.reader
    for row in await rows.open_rounds(conn):
        school = schools.get(row.school_id)
        if school is None:
            continue
        closes_at = from_db(row.closes_at)
        if now < closes_at <= now + timedelta(days=within_days):
            found.setdefault(closes_at, set()).add("round_closing")
        days = school.rounds.reminder_days
        due = [
            d
            for r in await rows.to_remind(conn, row.id, len(days))
            if (d := _first_reminder_day(r, days, school)) is not None
        ]
        if not due:
            continue
        day = max(min(due), now.astimezone(school.tz).date())
        for _ in range(within_days + 1):
            moment = datetime.combine(day, SEND_FROM, tzinfo=school.tz)
            if moment >= closes_at:
                break
            if moment > now and is_school_day(day, school.holiday_periods):
                found.setdefault(moment, set()).add("round_reminders")
                break
            day += timedelta(days=1)
    return found
