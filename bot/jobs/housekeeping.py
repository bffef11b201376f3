"""Forgetting what the bot no longer needs: old failed-update records, receipts of handled
updates and ended login backoff."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from storage import inbox, login_backoff, rate_budget
from storage.db import Database, to_db

KEEP_FAILED_UPDATES = timedelta(days=30)
KEEP_RECEIPTS = timedelta(days=2)
"""Telegram retries an update for a day at most: a post after that is not a duplicate."""
KEEP_BACKOFF = timedelta(days=1)
KEEP_RATE_BUCKETS = timedelta(hours=1)


async def prune(db: Database, clock: Clock) -> int:
    """A failed update's record (id and error type) is kept a month; a backoff that ended
    a day ago is moot."""
    now = clock.now()
    async with db.transaction() as conn:
        failed = await inbox.prune(
            conn, to_db(now - KEEP_FAILED_UPDATES), to_db(now - KEEP_RECEIPTS)
        )
        backoff = await login_backoff.prune(conn, to_db(now - KEEP_BACKOFF))
        if db.shared:  # the rate budget of workers on PostgreSQL: idle chats' buckets go
            await rate_budget.prune(conn, KEEP_RATE_BUCKETS.total_seconds())
    return failed + backoff
