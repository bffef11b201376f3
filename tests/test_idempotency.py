"""A request confirmed twice (a double tap, or again after a crash) is one case."""

from __future__ import annotations

import pytest

from bot.domain.model import Kind, Refused
from bot.services import Services
from storage.db import fetch_all
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock


async def _case_count(s: Services) -> int:
    return len(await fetch_all(s.db.reader, "SELECT id FROM cases"))


async def test_the_same_key_returns_the_case_it_made(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    james = await link_guardian(s, clock, "James Whitfield", 5002)
    zoe = await student_id(s.db.reader, "L1001")
    request = {
        "student_id": zoe,
        "kind": Kind.RECTIFICATION,
        "details": {"category": "identity"},
        "text": "Adres klopt niet",
    }
    first = await s.cases.submit(marieke, **request, idempotency_key="5001-abc")  # type: ignore[arg-type]
    again = await s.cases.submit(marieke, **request, idempotency_key="5001-abc")  # type: ignore[arg-type]
    assert again == first
    assert await _case_count(s) == 1
    assert len(await queued_for(s, 7001)) == 1  # the teacher is told once
    assert await s.cases.submitted_with(marieke, "5001-abc") == first
    assert await s.cases.submitted_with(marieke, "5001-other") is None
    with pytest.raises(
        Refused, match="not_allowed"
    ):  # a key is never a way into another account's case
        await s.cases.submitted_with(james, "5001-abc")
    other = await s.cases.submit(marieke, **request, idempotency_key="5001-def")  # type: ignore[arg-type]
    assert other.id != first.id
    plain = await s.cases.submit(marieke, **request)  # type: ignore[arg-type]
    assert plain.id not in (first.id, other.id)


async def test_a_consent_confirmation_seen_twice_records_once(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    wanted = {"website": True, "newsletter": False}
    first = await s.consents.change(marieke, zoe, wanted, idempotency_key="5001-k1")
    again = await s.consents.change(marieke, zoe, wanted, idempotency_key="5001-k1")
    assert again.case == first.case and again.changes == first.changes == wanted
    ledger = await fetch_all(s.db.reader, "SELECT purpose FROM consent_ledger")
    assert len(ledger) == 2
    assert await _case_count(s) == 1
