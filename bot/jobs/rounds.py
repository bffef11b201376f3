"""Consent rounds over time, woken every minute with the rest of the scheduled work: rounds
whose closing date has passed are closed (with their summary), then every open round is
followed up (leaving and joining the roster, newly linked guardians, reminders).

What is due is read from the clock and the database and recorded with the messages it
queues, so a restart or a missed minute neither loses nor repeats anything.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.rounds.closing import RoundClosing
from bot.domain.rounds.follow_up import RoundFollowUp
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage.db import Database


async def run_due(
    db: Database, keys: Keys, cipher: Cipher, clock: Clock, schools: dict[int, SchoolConfig]
) -> int:
    """Close and follow up consent rounds; how many rounds closed and messages queued."""
    bell = Bell()  # the caller wakes the dispatcher when anything was queued
    closed = await RoundClosing(db, keys, cipher, clock, schools, bell).close_due()
    return closed + await RoundFollowUp(db, cipher, clock, schools, bell).run()
