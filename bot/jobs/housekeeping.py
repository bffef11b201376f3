"""Forgetting what the bot no longer needs: old failed-update records and ended login backoff."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from storage import inbox, login_backoff
from storage.db import Database, to_db

KEEP_FAILED_UPDATES = timedelta(days=30)
KEEP_BACKOFF = timedelta(days=1)


async def prune(db: Database, clock: Clock) -> int:
    """A failed update's record (id and error type) is kept a month; a backoff that ended
    a day ago is moot."""
    now = clock.now()
    async with db.transaction() as conn:
        failed = await inbox.prune_failed(conn, to_db(now - KEEP_FAILED_UPDATES))
        backoff = await login_backoff.prune(conn, to_db(now - KEEP_BACKOFF))
    return failed + backoff
