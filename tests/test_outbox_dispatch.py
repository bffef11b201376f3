"""The outbox dispatcher without Telegram: leases, keys, uncertain sends, per-chat order."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import timedelta

from bot import outbox
from bot.jobs.dispatcher import UNCERTAIN_RETRY, Dispatcher, MaybeSent, SendOutcome, Sent, TryAgain
from bot.services import Services
from storage import outbox as rows
from storage.db import fetch_all, to_db
from storage.engines import open_database
from tests.support import FakeClock


class RecordingSender:
    """Records every send; yields to the event loop so racing dispatchers interleave."""

    def __init__(self, sent: list[tuple[int, str]], rng: random.Random) -> None:
        self.sent = sent
        self.rng = rng
        self.outcomes: dict[str, list[SendOutcome]] = {}

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        for _ in range(self.rng.randrange(3)):
            await asyncio.sleep(0)
        planned = self.outcomes.get(text)
        outcome = planned.pop(0) if planned else Sent()
        if isinstance(outcome, Sent | MaybeSent):
            self.sent.append((chat_id, text))
        return outcome


async def _queue(s: Services, chat_id: int, text: str, key: str | None = None) -> None:
    async with s.db.transaction() as conn:
        await outbox.enqueue(
            conn, s.cipher, s.clock.now(), chat_id=chat_id, text=text, school_id=None, key=key
        )


async def test_two_dispatchers_on_two_connections_never_send_one_row_twice(
    services: Services, clock: FakeClock
) -> None:
    for n in range(120):
        await _queue(services, 100 + n % 12, f"message {n}")
    other = open_database(services.settings.database)
    await other.open()
    sent: list[tuple[int, str]] = []
    rng = random.Random(6)
    first = Dispatcher(
        services.db, services.cipher, clock, RecordingSender(sent, rng), batch=7, rng=rng
    )
    second = Dispatcher(
        other, services.cipher, clock, RecordingSender(sent, rng), batch=5, rng=rng
    )
    try:
        for _ in range(100):
            counts = await asyncio.gather(first.run_once(), second.run_once(), first.run_once())
            if sum(counts) == 0:
                break
    finally:
        await other.close()
    assert Counter(text for _, text in sent).most_common(1)[0][1] == 1
    assert len(sent) == 120
    for chat in range(100, 112):  # each chat got its messages in the order they were queued
        numbers = [int(text.split()[1]) for c, text in sent if c == chat]
        assert numbers == sorted(numbers)
    assert await rows.counts(services.db.reader) == {"sent": 120}


async def test_a_key_is_queued_once(services: Services) -> None:
    await _queue(services, 100, "reminder", key="reminder:1:2026-11-02")
    await _queue(services, 100, "reminder again", key="reminder:1:2026-11-02")
    await _queue(services, 100, "no key")
    await _queue(services, 100, "no key")
    assert await rows.counts(services.db.reader) == {"pending": 3}


async def test_a_time_out_is_maybe_sent_and_tried_again_only_after_the_delay(
    services: Services, clock: FakeClock
) -> None:
    sent: list[tuple[int, str]] = []
    sender = RecordingSender(sent, random.Random(1))
    sender.outcomes["notice 1"] = [MaybeSent("TimedOut")]
    dispatcher = Dispatcher(services.db, services.cipher, clock, sender, rng=random.Random(1))
    await _queue(services, 100, "notice 1")
    await _queue(services, 100, "notice 2")
    await _queue(services, 200, "other chat")
    assert await dispatcher.run_once() == 0  # no answer: the rest of the batch waits
    assert await dispatcher.run_once() == 1  # the other chat is not held up
    for _ in range(3):
        clock.advance(minutes=3)  # 9 minutes: still within the delay
        assert await dispatcher.run_once() == 0
    clock.advance(seconds=UNCERTAIN_RETRY.total_seconds() - 9 * 60)
    assert await dispatcher.run_once() == 2
    assert [text for _, text in sent] == ["notice 1", "other chat", "notice 1", "notice 2"]
    uncertain = await fetch_all(
        services.db.reader, "SELECT uncertain_since IS NOT NULL FROM outbox ORDER BY id"
    )
    assert [bool(r[0]) for r in uncertain] == [True, False, False]


async def test_a_failed_message_holds_back_later_ones_of_its_chat(
    services: Services, clock: FakeClock
) -> None:
    sent: list[tuple[int, str]] = []
    sender = RecordingSender(sent, random.Random(2))
    sender.outcomes["first"] = [TryAgain("NetworkError")]
    dispatcher = Dispatcher(services.db, services.cipher, clock, sender, rng=random.Random(2))
    await _queue(services, 100, "first")
    await _queue(services, 100, "second")
    assert await dispatcher.run_once() == 0
    assert await dispatcher.run_once() == 0  # "second" waits for "first", in a new run too
    clock.advance(minutes=10)
    assert await dispatcher.run_once() == 2
    assert [text for _, text in sent] == ["first", "second"]


async def test_a_lease_of_a_dispatcher_that_died_expires(
    services: Services, clock: FakeClock
) -> None:
    await _queue(services, 100, "notice")
    async with services.db.transaction() as conn:
        lease = to_db(clock.now() + timedelta(minutes=5))
        claimed = await rows.claim(conn, "dead", to_db(clock.now()), lease, 10)
    assert len(claimed) == 1
    sent: list[tuple[int, str]] = []
    dispatcher = Dispatcher(
        services.db, services.cipher, clock, RecordingSender(sent, random.Random(3))
    )
    assert await dispatcher.run_once() == 0
    clock.advance(minutes=5)
    assert await dispatcher.run_once() == 1


async def test_the_one_running_process_takes_back_a_dead_processs_claims_at_start(
    services: Services, clock: FakeClock
) -> None:
    await _queue(services, 100, "notice")
    async with services.db.transaction() as conn:
        lease = to_db(clock.now() + timedelta(minutes=5))
        assert len(await rows.claim(conn, "dead", to_db(clock.now()), lease, 10)) == 1
    sent: list[tuple[int, str]] = []
    dispatcher = Dispatcher(
        services.db, services.cipher, clock, RecordingSender(sent, random.Random(3))
    )
    assert await dispatcher.recover() == 1
    assert await dispatcher.run_once() == 1  # at once, not after the lease
    assert await dispatcher.recover() == 0


async def test_a_run_drains_batch_after_batch(services: Services, clock: FakeClock) -> None:
    for n in range(23):
        await _queue(services, 100 + n, f"notice {n}")
    sent: list[tuple[int, str]] = []
    dispatcher = Dispatcher(
        services.db, services.cipher, clock, RecordingSender(sent, random.Random(4)), batch=5
    )
    assert await dispatcher.run_until_idle() == 23
    assert await dispatcher.run_until_idle() == 0


async def test_a_wake_during_a_run_makes_that_run_look_again(
    services: Services, clock: FakeClock
) -> None:
    sent: list[tuple[int, str]] = []
    woken: list[int] = []

    class QueueingSender(RecordingSender):
        async def __call__(self, chat_id: int, text: str) -> SendOutcome:
            if text == "first":  # a change queues a notice and wakes the dispatcher meanwhile
                await _queue(services, 101, "queued meanwhile")
                woken.append(await dispatcher.wake())
            return await super().__call__(chat_id, text)

    dispatcher = Dispatcher(
        services.db, services.cipher, clock, QueueingSender(sent, random.Random(5)), batch=5
    )
    await _queue(services, 100, "first")
    assert await dispatcher.wake() == 2
    assert woken == [0]
    assert [text for _, text in sent] == ["first", "queued meanwhile"]


async def test_a_time_out_ends_the_run(services: Services, clock: FakeClock) -> None:
    sent: list[tuple[int, str]] = []
    sender = RecordingSender(sent, random.Random(7))
    sender.outcomes["notice 0"] = [MaybeSent("TimedOut")]
    for n in range(12):
        await _queue(services, 100 + n, f"notice {n}")
    dispatcher = Dispatcher(services.db, services.cipher, clock, sender, batch=4)
    assert await dispatcher.run_until_idle() == 0  # Telegram did not answer: try again later
    assert len(sent) == 1
    assert await dispatcher.run_until_idle() == 11
