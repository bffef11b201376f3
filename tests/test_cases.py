"""Case rules without Telegram: routing, numbers, deadlines, who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.free_text import InvalidText
from bot.domain.model import Actor, Kind, Refused, Status
from bot.errors import ConfigError
from bot.schools.roster import import_roster, parse_roster
from bot.security import audit
from bot.services import Services
from storage import audit_events
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.raw_database import raw_database, stored_bytes
from tests.support import ROSTER_CSV, SECRET, FakeClock, make_settings


async def test_a_correction_goes_to_the_teacher_of_the_childs_group(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    teacher = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    clock.moment = datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    case = await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.RECTIFICATION,
        details={"category": "identity"},
        text="Adres klopt niet: Dorpsstraat 1 <b>",
    )
    assert case.number == "2027-0001"
    assert case.status == Status.SUBMITTED
    assert case.due_on == date(2027, 2, 28)
    assert (case.assignee_role, case.assignee_staff_id) == ("teacher", teacher)
    alert = await queued_for(s, 7001)
    assert len(alert) == 1 and "2027-0001" in alert[0]
    assert "Dorpsstraat 1 &lt;b&gt;" in alert[0]
    assert await queued_for(s, 7002) == []

    second = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert second.number == "2027-0002"


async def test_erasure_goes_to_the_director_and_no_teacher_means_the_director(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    director = await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    erasure = await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.ERASURE,
        details={"categories": ["religion"]},
        text="Niet meer nodig",
    )
    assert (erasure.assignee_role, erasure.assignee_staff_id) == ("director", director)
    anouk = await link_guardian(s, clock, "Anouk Smit", 5002)  # Thijs, group 7: no teacher
    thijs = await student_id(s.db.reader, "L1012")
    access = await s.cases.submit(anouk, student_id=thijs, kind=Kind.ACCESS, details={})
    assert (access.assignee_role, access.assignee_staff_id) == ("director", director)
    assert len(await queued_for(s, 7002)) == 2


async def test_a_parent_cannot_file_for_or_see_another_familys_child(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    anouk = await link_guardian(s, clock, "Anouk Smit", 5002)
    thijs = await student_id(s.db.reader, "L1012")
    with pytest.raises(Refused, match="not_allowed"):
        await s.cases.submit(marieke, student_id=thijs, kind=Kind.ACCESS, details={})
    case = await s.cases.submit(anouk, student_id=thijs, kind=Kind.ACCESS, details={})
    with pytest.raises(Refused, match="not_allowed"):
        await s.cases.get(marieke, case.id)
    with pytest.raises(Refused, match="not_allowed"):
        await s.cases.withdraw(marieke, case.id)
    assert [c.id for c in await s.cases.visible_to(anouk)] == [case.id]
    assert await s.cases.visible_to(marieke) == []
    # The other parent of the same child does not see it either.
    forged = Actor(5001, (999,))
    with pytest.raises(Refused, match="not_allowed"):
        await s.cases.get(forged, case.id)


async def test_withdraw_only_while_submitted_and_the_teacher_is_told(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    withdrawn = await s.cases.withdraw(marieke, case.id)
    assert withdrawn.status == Status.WITHDRAWN
    assert [e.event for e in await s.cases.timeline(marieke, case.id)] == [
        "submitted",
        "withdrawn",
    ]
    texts = await queued_for(s, 7001)
    assert len(texts) == 2 and "ingetrokken" in texts[1]
    with pytest.raises(Refused, match="not_possible"):
        await s.cases.withdraw(marieke, case.id)
    actions = [e.action async for e in audit_events.iterate(s.db.reader)]
    assert actions[-2:] == ["case.submitted", "case.withdrawn"]


async def test_free_text_is_encrypted_at_rest(school_services: Services, clock: FakeClock) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    secret = "Zoe heeft geen dyslexie-verklaring XYZZY-4711"
    await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.RECTIFICATION,
        details={"category": "medical"},
        text=secret,
    )
    await s.close()
    stored = stored_bytes(s)
    assert b"XYZZY-4711" not in stored
    assert "XYZZY-4711".encode("utf-16-le") not in stored


async def test_a_ciphertext_moved_to_another_case_is_detected(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    first = await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.RECTIFICATION,
        details={"category": "identity"},
        text="eerste",
    )
    second = await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.RECTIFICATION,
        details={"category": "identity"},
        text="tweede",
    )
    with raw_database(s) as raw:
        raw.execute(
            "UPDATE cases SET free_text = (SELECT free_text FROM cases WHERE id = ?) WHERE id = ?",
            (first.id, second.id),
        )
    from bot.security.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        await s.cases.get(marieke, second.id)


async def test_rotating_the_secret_keeps_text_codes_and_logins_working(
    tmp_path: Path, clock: FakeClock
) -> None:
    old = make_settings(tmp_path)
    s = await Services.start(old, clock)
    school = s.school("cbs-klimop")
    await import_roster(
        s.db, s.keys, clock, school, parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
    )
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    before = await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.RECTIFICATION,
        details={"category": "identity"},
        text="voor de wissel",
    )
    await s.close()

    rotated = make_settings(
        tmp_path, secret_key="the-new-secret-" + "n" * 40, previous_secret_keys=[SECRET]
    )
    s = await Services.start(rotated, clock)
    try:
        assert (await s.cases.get(marieke, before.id)).text == "voor de wissel"
        after = await s.cases.submit(
            marieke,
            student_id=zoe,
            kind=Kind.RECTIFICATION,
            details={"category": "identity"},
            text="na de wissel",
        )
        assert (await s.cases.get(marieke, after.id)).text == "na de wissel"
        # Codes and dates of birth are still recognised: a new parent can link.
        await link_guardian(s, clock, "Anouk Smit", 5002)
        assert (await audit.verify(s.db.reader, s.keys.audit)).ok
    finally:
        await s.close()
    # Without the old secret, the database refuses to start instead of misreading.
    with pytest.raises(ConfigError):
        await Services.start(make_settings(tmp_path, secret_key="the-new-secret-" + "n" * 40))


async def test_request_text_is_never_cut_or_empty(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    for text in ("x" * 1001, "  \x00\n ", "", "\u200b\u2060\ufeff \u3000", "a\x00b"):
        with pytest.raises(InvalidText):
            await s.cases.submit(
                marieke,
                student_id=zoe,
                kind=Kind.RECTIFICATION,
                details={"category": "identity"},
                text=text,
            )
    assert await s.cases.visible_to(marieke) == []
    case = await s.cases.submit(
        marieke,
        student_id=zoe,
        kind=Kind.RECTIFICATION,
        details={"category": "identity"},
        text=" " + "y" * 1000 + " \n",
    )
    assert case.text == "y" * 1000


async def test_a_consent_case_cannot_be_withdrawn(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    change = await s.consents.change(marieke, zoe, {"website": True})
    assert change.case is not None and not change.case.can_withdraw
    with pytest.raises(Refused, match="not_possible"):
        await s.cases.withdraw(marieke, change.case.id)
