"""The audit chain against its anchor outside the database, and verify while the bot writes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.security import audit
from bot.security.anchor import Anchor, anchor_head, read_anchors
from bot.services import Services
from storage.engines import open_database
from tests.domain_helpers import tamper_with_audit, three_audit_events
from tests.raw_database import lower_audit_sequence, raw_database
from tests.support import FakeClock


def _anchor_file(services: Services) -> Path:
    return services.settings.anchor_file


async def _anchored(services: Services, clock: FakeClock) -> list[Anchor]:
    await three_audit_events(services, clock)
    await anchor_head(services.db.reader, _anchor_file(services), clock.now())
    await three_audit_events(services, clock)
    await anchor_head(services.db.reader, _anchor_file(services), clock.now())
    await anchor_head(services.db.reader, _anchor_file(services), clock.now())  # unchanged
    anchors = read_anchors(_anchor_file(services))
    assert [a.id for a in anchors] == [3, 6]
    return anchors


async def test_the_anchor_file_sits_beside_the_key_file(services: Services) -> None:
    assert _anchor_file(services) == services.settings.key_file.with_name("test.key.anchor")


async def test_cutting_the_newest_events_and_the_sequence_is_found(
    services: Services, clock: FakeClock
) -> None:
    anchors = await _anchored(services, clock)
    tamper_with_audit(services, "DELETE FROM audit_events WHERE id > 4")
    with raw_database(services) as raw:
        lower_audit_sequence(raw, 4)
    assert (await audit.verify(services.db.reader, services.keys.audit)).ok  # chain alone
    result = await audit.verify(services.db.reader, services.keys.audit, anchors)
    assert (result.first_bad, result.checked, result.anchored) == (5, 4, 6)
    assert "anchor file vouches for events up to 6" in result.problem
    # The anchor job refuses to anchor the shortened chain, which would hide the cut.
    assert await anchor_head(services.db.reader, _anchor_file(services), clock.now()) is None
    assert read_anchors(_anchor_file(services)) == anchors


async def test_an_edit_and_a_deleted_middle_event_are_found_with_anchors(
    services: Services, clock: FakeClock
) -> None:
    anchors = await _anchored(services, clock)
    tamper_with_audit(services, "UPDATE audit_events SET details = '{\"n\":9}' WHERE id = 5")
    result = await audit.verify(services.db.reader, services.keys.audit, anchors)
    assert (result.first_bad, result.problem) == (5, "content was changed")
    with raw_database(services) as raw:  # the guard triggers are gone already
        raw.execute("DELETE FROM audit_events WHERE id = 2")
    result = await audit.verify(services.db.reader, services.keys.audit, anchors)
    assert result.first_bad == 2 and "deleted" in result.problem


async def test_an_intact_chain_matches_its_anchors(services: Services, clock: FakeClock) -> None:
    anchors = await _anchored(services, clock)
    await three_audit_events(services, clock)  # written after the last anchor
    result = await audit.verify(services.db.reader, services.keys.audit, anchors)
    assert result.ok and (result.checked, result.anchored) == (9, 6)


async def test_verify_while_the_bot_writes_reports_nothing_missing(
    services: Services, clock: FakeClock
) -> None:
    await three_audit_events(services, clock)
    checker = open_database(services.settings.database)
    await checker.open(migrate=False)
    stop = asyncio.Event()
    written = [0]

    async def write() -> None:
        while not stop.is_set():
            async with services.db.transaction() as conn:
                await audit.record(
                    conn,
                    services.keys.audit,
                    clock.now(),
                    actor="bot",
                    action=audit.AuditAction.RETENTION_RUN,
                    details={},
                )
            written[0] += 1
            await asyncio.sleep(0)

    writer = asyncio.create_task(write())
    results: list[audit.VerifyResult] = []
    try:
        while written[0] < 200 or len(results) < 20:  # verify over and over while it writes
            results.append(await audit.verify(checker.reader, services.keys.audit))
    finally:
        stop.set()
        await writer
        await checker.close()
    assert [r.problem for r in results if not r.ok] == []
