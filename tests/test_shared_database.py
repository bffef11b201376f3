"""Two workers on one database, each with its own connections: a due job runs once, one of
them sends the outbox and the other takes over when it dies, and they share Telegram's rate
budget."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import pytest

from bot.domain.model import Kind
from bot.jobs import scheduled
from bot.jobs.dispatcher import LEADER, LEASE, Dispatcher, Sent
from bot.outbox import enqueue
from bot.services import Services
from storage import outbox, rate_budget
from storage.db import fetch_all, to_db
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock


@asynccontextmanager
async def second_worker(s: Services, clock: FakeClock) -> AsyncIterator[Services]:
    """Another worker's services on the same database (connections of its own)."""
    other = await Services.start(s.settings, clock)
    try:
        yield other
    finally:
        await other.close()


async def test_two_workers_racing_for_the_same_due_reminders_queue_them_once(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.cases.submit(marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="x")
    alerts = len(await queued_for(s, 7001))
    clock.moment = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)  # 7 days before the due date
    async with second_worker(s, clock) as other:
        queued = await asyncio.gather(
            *(
                scheduled.run_due(w.db, w.keys, w.cipher, clock, w.school_by_id)
                for w in (s, other, s, other)
            )
        )
    assert len(await queued_for(s, 7001)) - alerts == 1  # the reminder, once
    assert sorted(queued)[-1] >= 1 and sum(queued) == sorted(queued)[-1]
    assert clock.now().date() == date(2026, 11, 25)


class Recorder:
    def __init__(self, name: str, sent: list[tuple[str, str]]) -> None:
        self.name, self.sent = name, sent

    async def __call__(self, chat_id: int, text: str) -> Sent:
        self.sent.append((self.name, text))
        await asyncio.sleep(0)
        return Sent()


@pytest.mark.postgresql_only
async def test_one_worker_sends_the_outbox_and_the_next_takes_over_its_claims(
    services: Services, clock: FakeClock
) -> None:
    s = services
    for n in range(30):
        async with s.db.transaction() as conn:
            await enqueue(
                conn, s.cipher, clock.now(), chat_id=100 + n % 3, text=f"m{n}", school_id=None
            )
    sent: list[tuple[str, str]] = []
    async with second_worker(s, clock) as other:
        first = Dispatcher(
            s.db, s.cipher, clock, Recorder("first", sent), batch=5, leases=s.db.leases
        )
        second = Dispatcher(
            other.db,
            other.cipher,
            clock,
            Recorder("second", sent),
            batch=5,
            leases=other.db.leases,
        )
        assert await first.leads() and not await second.leads()
        assert await second.run_once() == 0  # not the leader: sends nothing
        # The leader claims a batch and dies before sending it (its connections end).
        async with s.db.transaction() as conn:
            claimed = await outbox.claim(
                conn, first.owner, to_db(clock.now()), to_db(clock.now() + LEASE), 5
            )
        assert len(claimed) == 5
        await s.db.leases.release(LEADER)
        assert await second.leads()  # it takes the lead, and the claims of the one before
        while await second.run_once():
            pass
    texts = Counter(text for _, text in sent)
    assert len(texts) == 30 and set(texts.values()) == {1}
    assert {who for who, _ in sent} == {"second"}
    rows = await fetch_all(s.db.reader, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
    assert rows[0][0] == 30


@pytest.mark.postgresql_only
async def test_the_rate_budget_is_shared_by_the_workers(
    services: Services, clock: FakeClock
) -> None:
    """Two workers reserve 84 tokens of a 28-a-second budget as fast as they can: together
    they are told to wait as if one had asked for all of them (3 seconds' worth)."""
    rng = random.Random(3)
    async with second_worker(services, clock) as other:
        readers = [services.db.reader, other.db.reader]
        started = time.monotonic()
        waits = []
        for _ in range(84):
            reader = rng.choice(readers)
            waits.append(await rate_budget.take(reader, "all", 28, 1, 0))
        took = time.monotonic() - started
    # The n-th token is due n/28 s after the first: what is left of that when it was asked.
    assert waits[0] == 0 and waits == sorted(waits)
    assert max(waits) >= 83 / 28 - took - 0.05
    # A notice (need 2 in hand) gets nothing while replies have reserved the budget ahead.
    assert await rate_budget.take(services.db.reader, "all", 28, 1, 2) > 0


@pytest.mark.postgresql_only
async def test_a_reply_takes_its_chats_token_and_the_bots_in_one_go(services: Services) -> None:
    """A chat with a token left: both are taken at once. A chat that must wait first: its
    token is reserved, the bot's budget is left alone (other chats may use it meanwhile)."""
    reader = services.db.reader

    async def bots_budget() -> list[object]:
        return [tuple(r) for r in await fetch_all(reader, _BOTS_BUDGET)]

    assert await rate_budget.take_chat_then_all(reader, "chat:7", 1, 1, 28, 1) == (0.0, 0.0)
    taken = await bots_budget()
    assert len(taken) == 1
    chat_wait, wait = await rate_budget.take_chat_then_all(reader, "chat:7", 1, 1, 28, 1)
    assert chat_wait > 0 and wait is None
    assert await bots_budget() == taken
    # Another chat still gets the bot's next token.
    chat_wait, wait = await rate_budget.take_chat_then_all(reader, "chat:8", 1, 1, 28, 1)
    assert chat_wait == 0 and wait is not None
    assert await bots_budget() != taken


_BOTS_BUDGET = "SELECT tokens, at FROM rate_budget WHERE name = 'all'"
