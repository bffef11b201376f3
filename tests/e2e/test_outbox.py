"""The outbox over real HTTP: Telegram's failures are retried or recorded, nothing is lost."""

from __future__ import annotations

from storage import outbox
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent
from tests.e2e.test_requests import _teacher


async def _request(h: Harness, parent: Person) -> None:
    h.manual_outbox()
    await parent.send("/menu")
    await parent.tap("Gegevens van mijn kind inzien")
    await parent.tap("Kopie van het dossier aanvragen")
    await parent.tap("Verzoek versturen")


async def _states(h: Harness) -> dict[str, int]:
    return await outbox.counts(h.s.db.reader)


async def test_server_errors_and_timeouts_are_retried_with_backoff(harness: Harness) -> None:
    teacher = await _teacher(harness, 7001, ["1"])
    inge = await linked_parent(harness, 5001, "Inge Mulder", "nl")
    before = len(teacher.messages)
    await _request(harness, inge)
    harness.fake.fail_next("sendMessage", 502, count=1)
    await harness.deliver_outbox()
    harness.fake.fail_next("sendMessage", 500, count=1)
    harness.clock.advance(seconds=3)  # not yet due again: backoff is at least 2.5 s
    await harness.deliver_outbox()
    assert len(teacher.messages) == before
    assert (await _states(harness)).get("pending") == 1
    harness.clock.advance(minutes=1)
    await harness.deliver_outbox()
    harness.clock.advance(minutes=1)
    await harness.deliver_outbox()
    assert "Nieuw verzoek 2026-0001" in teacher.messages[-1].text
    assert await _states(harness) == {"sent": 1}

    await _request(harness, inge)
    harness.fake.hang_next("sendMessage", 30)
    # PTB gives up on the hung request after its write/read timeout and the row stays queued.
    for _ in range(10):
        harness.clock.advance(minutes=10)
        if await harness.deliver_outbox():
            break
    assert "Nieuw verzoek 2026-0002" in teacher.messages[-1].text
    assert await _states(harness) == {"sent": 2}


async def test_429_waits_retry_after(harness: Harness) -> None:
    teacher = await _teacher(harness, 7002, ["1"])
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    await _request(harness, inge)
    harness.fake.fail_next("sendMessage", 429, retry_after=30)
    await harness.deliver_outbox()
    harness.clock.advance(seconds=10)
    assert await harness.deliver_outbox() == 0  # paused: 30 s have not passed
    harness.clock.advance(seconds=25)
    assert await harness.deliver_outbox() == 1
    assert "Nieuw verzoek 2026-0001" in teacher.messages[-1].text


async def test_a_blocked_bot_or_lost_chat_is_undeliverable(harness: Harness) -> None:
    await _teacher(harness, 7003, ["1"])
    inge = await linked_parent(harness, 5003, "Inge Mulder", "nl")
    await _request(harness, inge)
    harness.fake.block_user(7003)
    await harness.deliver_outbox()
    assert await _states(harness) == {"undeliverable": 1}
    harness.fake.unblock_user(7003)
    await _request(harness, inge)
    harness.fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    await harness.deliver_outbox()
    assert await _states(harness) == {"undeliverable": 2}
    harness.clock.advance(hours=1)
    assert await harness.deliver_outbox() == 0  # never retried
