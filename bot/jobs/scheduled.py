"""Everything that runs on a schedule, woken every minute by the job queue.

What is due is read from the clock and the database, and what ran is recorded there, so a
wake-up after a restart or a missed run makes up what was missed, once.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.jobs import digest, reminders, report, retention
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
    if queued:
        log.info("scheduled work queued %d messages", queued)
    return queued
