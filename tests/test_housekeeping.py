from __future__ import annotations

from bot.jobs import housekeeping
from bot.services import Services
from storage import login_backoff, processed_updates
from storage.db import to_db
from tests.support import FakeClock


async def test_old_update_ids_and_ended_backoff_are_forgotten(
    services: Services, clock: FakeClock
) -> None:
    async with services.db.transaction() as conn:
        await processed_updates.claim(conn, 1, to_db(clock.now()))
        await login_backoff.put(conn, "tg:old", 3, to_db(clock.now()))
    clock.advance(days=2)
    async with services.db.transaction() as conn:
        await processed_updates.claim(conn, 2, to_db(clock.now()))
        await login_backoff.put(conn, "tg:new", 1, to_db(clock.now()))
    assert await housekeeping.prune(services.db, clock) == 1  # only the old backoff
    clock.advance(days=6)
    assert await housekeeping.prune(services.db, clock) == 2  # update 1 and tg:new
    async with services.db.transaction() as conn:
        assert not await processed_updates.claim(conn, 2, to_db(clock.now()))
        assert await processed_updates.claim(conn, 1, to_db(clock.now()))
    assert await login_backoff.get(services.db.reader, "tg:old") is None
