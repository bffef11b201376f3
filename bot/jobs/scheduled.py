"""Everything that runs on a schedule, woken every minute by the job queue.

What is due is read from the clock and the database, and what ran is recorded there, so a
wake-up after a restart or a missed run makes up what was missed, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.jobs import digest, reminders, report, retention, rounds
from bot.jobs.schedule import timetable
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage.db import Database

log = logging.getLogger(__name__)


async def run_due(
    db: Database, keys: Keys, cipher: Cipher, clock: Clock, schools: dict[int, SchoolConfig]
) -> int:
    """Run what is due now; returns how many messages were queued."""
    await retention.run(db, keys, clock, schools)
    queued = await reminders.send_due(db, cipher, clock, schools)
    queued += await digest.send_due(db, cipher, clock, schools)
    queued += await report.send_due(db, cipher, clock, schools)
    queued += await rounds.run_due(db, keys, cipher, clock, schools)
    if queued:
        log.info("scheduled work queued %d messages", queued)
    return queued


Event = Literal[
    "retention",
    "reminders",
    "overdue_summary",
    "digest",
    "report",
    "round_reminders",
    "round_closing",
]
ORDER: tuple[Event, ...] = (
    "retention",
    "reminders",
    "overdue_summary",
    "digest",
    "report",
    "round_reminders",
    "round_closing",
)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """The next moment scheduled work is due, and what is due then (in ``ORDER``)."""

    at: datetime
    events: tuple[Event, ...]


async def next_event(
    db: Database, now: datetime, schools: dict[int, SchoolConfig], *, within_days: int = 60
) -> Upcoming | None:
    """The first moment after ``now`` at which ``run_due`` has something to do (the demo's
    "next event"): a retention run, a digest or report by the schools' timetables, and
    reminder time on a day a reminder or overdue summary would go out for the cases open
    now, and a consent round's reminders or closing. None when nothing is due within
    ``within_days``."""
    found: dict[datetime, set[Event]] = {}
    for when, due in (await rounds.next_moments(db, now, schools)).items():
        found.setdefault(when, set()).update(e for e in ORDER if e in due)
    for school_id, school in sorted(schools.items()):
        for slot in timetable(school):
            if slot.job == "reminders":
                continue
            moment = slot.next_due(now, school.tz)
            if moment is not None:
                found.setdefault(moment, set()).add(slot.job)
        local = now.astimezone(school.tz)
        at = school.schedule.reminder_time
        for offset in range(within_days + 1):
            moment = datetime.combine(local.date() + timedelta(days=offset), at, tzinfo=school.tz)
            if moment <= now:
                continue
            if found and moment > min(found):
                break
            reminder, summary = await reminders.due_on(db.reader, school_id, school, moment.date())
            if reminder or summary:
                events = found.setdefault(moment, set())
                events.update(("reminders",) if reminder else ())
                events.update(("overdue_summary",) if summary else ())
                break
    if not found:
        return None
    first = min(found)
    return Upcoming(first.astimezone(now.tzinfo), tuple(e for e in ORDER if e in found[first]))
