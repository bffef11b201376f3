"""The outbox over real HTTP: Telegram's failures are retried or recorded, nothing is lost."""

from __future__ import annotations

from storage import outbox
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher, request_dossier_copy


async def _states(h: Harness) -> dict[str, int]:
    return await outbox.counts(h.s.db.reader)


async def test_server_errors_and_timeouts_are_retried_with_backoff(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["1"])
    inge = await linked_parent(harness, 5001, "Inge Mulder", "nl")
    before = len(teacher.messages)
    await request_dossier_copy(harness, inge)
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


async def test_a_send_that_timed_out_is_not_repeated_until_the_delay_has_passed(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7004, ["1"])
    inge = await linked_parent(harness, 5004, "Inge Mulder", "nl")
    await request_dossier_copy(harness, inge)
    harness.fake.hang_next("sendMessage", 30)
    # PTB gives up on the hung request after its read timeout: Telegram may have the message.
    assert await harness.deliver_outbox() == 0
    tries = len(harness.fake.calls_to("sendMessage"))
    for _ in range(9):
        harness.clock.advance(minutes=1)
        assert await harness.deliver_outbox() == 0
    assert len(harness.fake.calls_to("sendMessage")) == tries  # no blind resend
    harness.clock.advance(minutes=1, seconds=1)
    assert await harness.deliver_outbox() == 1
    assert len(harness.fake.calls_to("sendMessage")) == tries + 1
    alerts = [m for m in teacher.messages if "Nieuw verzoek 2026-0001" in m.text]
    assert len(alerts) == 1
    assert await _states(harness) == {"sent": 1}


async def test_429_waits_retry_after(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7002, ["1"])
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    await request_dossier_copy(harness, inge)
    harness.fake.fail_next("sendMessage", 429, retry_after=30)
    await harness.deliver_outbox()
    harness.clock.advance(seconds=10)
    assert await harness.deliver_outbox() == 0  # paused: 30 s have not passed
    harness.clock.advance(seconds=25)
    assert await harness.deliver_outbox() == 1
    assert "Nieuw verzoek 2026-0001" in teacher.messages[-1].text


async def test_a_blocked_bot_or_lost_chat_is_undeliverable(harness: Harness) -> None:
    await linked_teacher(harness, 7003, ["1"])
    inge = await linked_parent(harness, 5003, "Inge Mulder", "nl")
    await request_dossier_copy(harness, inge)
    harness.fake.block_user(7003)
    await harness.deliver_outbox()
    assert await _states(harness) == {"undeliverable": 1}
    harness.fake.unblock_user(7003)
    await request_dossier_copy(harness, inge)
    harness.fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    await harness.deliver_outbox()
    assert await _states(harness) == {"undeliverable": 2}
    harness.clock.advance(hours=1)
    assert await harness.deliver_outbox() == 0  # never retried
