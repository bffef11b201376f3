from __future__ import annotations

from bot.security import audit
from bot.services import Services
from storage import audit_events
from tests.domain_helpers import tamper_with_audit, three_audit_events
from tests.raw_database import REFUSED, raw_database
from tests.support import FakeClock


async def test_an_intact_chain_verifies(services: Services, clock: FakeClock) -> None:
    await three_audit_events(services, clock)
    result = await audit.verify(services.db.reader, services.keys.audit)
    assert result.ok and result.checked == 3


async def test_the_database_refuses_edits(services: Services, clock: FakeClock) -> None:
    await three_audit_events(services, clock)
    with raw_database(services) as raw:
        for sql in (
            "UPDATE audit_events SET action = 'x'",
            "DELETE FROM audit_events",
            "DELETE FROM audit_events WHERE id = 3",
        ):
            try:
                raw.execute(sql)
            except REFUSED as exc:
                assert "append-only" in str(exc)
            else:
                raise AssertionError("the edit went through")


async def test_an_edit_is_found(services: Services, clock: FakeClock) -> None:
    await three_audit_events(services, clock)
    tamper_with_audit(services, "UPDATE audit_events SET details = '{\"n\":9}' WHERE id = 2")
    result = await audit.verify(services.db.reader, services.keys.audit)
    assert (result.first_bad, result.problem) == (2, "content was changed")


async def test_a_deletion_is_found_in_the_middle_and_at_the_end(
    services: Services, clock: FakeClock
) -> None:
    await three_audit_events(services, clock)
    tamper_with_audit(services, "DELETE FROM audit_events WHERE id = 3")
    result = await audit.verify(services.db.reader, services.keys.audit)
    assert (result.first_bad, result.checked) == (3, 2)
    assert "deleted" in result.problem


async def test_a_deleted_middle_event_is_found(services: Services, clock: FakeClock) -> None:
    await three_audit_events(services, clock)
    tamper_with_audit(services, "DELETE FROM audit_events WHERE id = 2")
    result = await audit.verify(services.db.reader, services.keys.audit)
    assert result.first_bad == 2


async def test_a_forged_event_without_the_key_is_found(
    services: Services, clock: FakeClock
) -> None:
    await three_audit_events(services, clock)
    tamper_with_audit(
        services,
        "INSERT INTO audit_events (id, at, actor, action, prev_mac, mac) "
        "SELECT 4, at, 'cli', 'forged', mac, 'ff' FROM audit_events WHERE id = 3",
    )
    result = await audit.verify(services.db.reader, services.keys.audit)
    assert (result.first_bad, result.problem) == (4, "content was changed")


async def test_verify_reads_page_by_page(services: Services, clock: FakeClock) -> None:
    await three_audit_events(services, clock)
    await three_audit_events(services, clock)
    pages = [e.id async for e in audit_events.iterate(services.db.reader, page=4)]
    assert pages == [1, 2, 3, 4, 5, 6]
