from __future__ import annotations

from bot.jobs import housekeeping
from bot.services import Services
from storage import inbox, login_backoff
from storage.db import to_db
from tests.support import FakeClock


async def test_old_failed_updates_and_ended_backoff_are_forgotten(
    services: Services, clock: FakeClock
) -> None:
    async with services.db.transaction() as conn:
        await inbox.add_batch(conn, [(1, 7, b"x"), (2, 7, b"y")], to_db(clock.now()), 3)
        await inbox.mark_failed(conn, 1, "ValueError", to_db(clock.now()))
        await login_backoff.put(conn, "tg:old", 3, to_db(clock.now()))
    clock.advance(days=2)
    async with services.db.transaction() as conn:
        await login_backoff.put(conn, "tg:new", 1, to_db(clock.now()))
    assert await housekeeping.prune(services.db, clock) == 1  # only the old backoff
    clock.advance(days=29)
    assert await housekeeping.prune(services.db, clock) == 2  # failed update 1 and tg:new
    assert await inbox.failed(services.db.reader) == []
    assert [r.update_id for r in await inbox.pending(services.db.reader)] == [2]
    assert await login_backoff.get(services.db.reader, "tg:old") is None


async def test_a_receipt_refuses_a_duplicate_until_it_is_pruned_after_two_days(
    services: Services, clock: FakeClock
) -> None:
    at = to_db(clock.now())
    async with services.db.transaction() as conn:
        assert await inbox.add(conn, 10, 7, b"first", at)
        await inbox.mark_handled(conn, 10, at)
        assert not await inbox.add(conn, 10, 7, b"again", at)  # Telegram's retry: ignored
    assert await inbox.pending(services.db.reader) == []
    clock.advance(days=1, hours=23)
    assert await housekeeping.prune(services.db, clock) == 0
    clock.advance(hours=2)
    assert await housekeeping.prune(services.db, clock) == 1
