"""Restarts and redelivered updates."""

from __future__ import annotations

import json

import pytest

from bot.services import Services
from handlers.intake import MAX_ATTEMPTS
from storage import accounts, audit_events, inbox
from tests.e2e.harness import Harness
from tests.e2e.helpers import guardian_code


async def test_a_restart_mid_conversation_resumes_where_the_parent_was(
    harness: Harness,
) -> None:
    priya = harness.person(5301, "Priya", "en")
    await priya.send(f"/start {await guardian_code(harness, 'Priya Sharma')}")
    await harness.restart()
    seen = await priya.send("21-04-2016")
    assert "your account is linked" in seen.text
    await harness.restart()
    seen = await priya.tap("English")
    assert "Arjun Sharma" in seen.text


async def test_a_redelivered_update_does_nothing_twice(harness: Harness) -> None:
    jelle = harness.person(5302, "Jelle", "nl")
    await jelle.send(f"/start {await guardian_code(harness, 'Jelle Hoekstra')}")
    update_id = harness.fake.send_text(jelle.user, "01-01-2015")  # a wrong date
    await harness.wait_processed(update_id)
    sent_before = len(harness.fake.calls_to("sendMessage"))
    events_before = [e async for e in audit_events.iterate(harness.s.db.reader)]

    await harness.restart()
    seen_times = harness.times_processed(update_id)
    harness.fake.redeliver(update_id)
    await harness.wait_processed(update_id, already=seen_times)
    await harness.fake.wait_delivered(update_id)

    assert len(harness.fake.calls_to("sendMessage")) == sent_before
    events_after = [e async for e in audit_events.iterate(harness.s.db.reader)]
    assert events_after == events_before
    # The one wrong date counted once: four attempts are left, not three.
    harness.clock.advance(hours=1)
    seen = await jelle.send("01-01-2015")
    assert "nog 3 pogingen" in seen.text
    assert await accounts.links(harness.s.db.reader, jelle.id) == []


async def test_an_update_that_cannot_be_handled_is_recorded_not_dropped(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something around the handler fails (here: saving the state): the update is marked
    failed with the error type, and the person's next update is handled as usual."""
    visitor = harness.person(5303, "Visitor", "nl")
    persistence = harness.app.persistence  # type: ignore[union-attr]
    real = persistence.changes_for  # type: ignore[union-attr]

    def broken(*args: object) -> object:
        monkeypatch.setattr(persistence, "changes_for", real)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(persistence, "changes_for", broken)
    update_id = harness.fake.send_text(visitor.user, "/help")
    await harness.wait_processed(update_id)
    assert await inbox.failed(harness.s.db.reader) == [(update_id, "RuntimeError")]
    seen = await visitor.send("/help")
    assert "/start" in seen.text
    assert await inbox.pending(harness.s.db.reader) == []


async def test_the_inbox_is_drained_at_start_and_a_hopeless_update_is_given_up(
    harness: Harness,
) -> None:
    """What a crashed process left in the inbox is handled first on the next start; an
    update that was pending at MAX_ATTEMPTS starts is recorded as given up, not retried."""
    visitor = harness.person(5304, "Visitor", "en")
    await harness.stop()
    fake = harness.fake
    left_behind = fake.send_text(visitor.user, "/help")
    hopeless = fake.send_text(visitor.user, "/privacy")
    updates = {u: json.dumps(fake.update(u)).encode() for u in (left_behind, hopeless)}
    # As a crashed process leaves it: stored and confirmed, not handled.
    services = await Services.start(harness.settings, harness.clock)
    try:
        async with services.db.transaction() as conn:
            rows = [
                (u, visitor.id, services.cipher.encrypt(p, f"inbox:{u}"))
                for u, p in updates.items()
            ]
            await inbox.add_batch(conn, rows, "2026-11-02T09:00:00+00:00", hopeless + 1)
            await conn.execute(
                "UPDATE inbox SET attempts = ? WHERE update_id = ?", (MAX_ATTEMPTS, hopeless)
            )
    finally:
        await services.close()
    await harness.start()
    await harness.wait_processed(left_behind)
    await harness.wait_processed(hopeless)
    texts = [m.text for m in visitor.messages]
    assert len(texts) == 1 and "helps you exercise your privacy rights" in texts[0]
    assert await inbox.failed(harness.s.db.reader) == [(hopeless, "GaveUp")]
    await fake.wait_for(lambda: fake.pending_updates() == [])
    assert harness.times_processed(left_behind) == 1
