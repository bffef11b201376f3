"""Forgetting what the bot no longer needs: old update ids and expired login backoff."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from storage import login_backoff, processed_updates
from storage.db import Database, to_db

KEEP_UPDATE_IDS = timedelta(days=7)
KEEP_BACKOFF = timedelta(days=1)


async def prune(db: Database, clock: Clock) -> int:
    """Telegram redelivers only recent updates; a backoff that ended a day ago is moot."""
    now = clock.now()
    async with db.transaction() as conn:
        updates = await processed_updates.prune(conn, to_db(now - KEEP_UPDATE_IDS))
        backoff = await login_backoff.prune(conn, to_db(now - KEEP_BACKOFF))
    return updates + backoff
