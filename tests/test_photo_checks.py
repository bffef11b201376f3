"""Check a photo before it is published: a verdict at once, recorded without any photo, and
the teacher who checked told when consent for a child it cleared is withdrawn."""

from __future__ import annotations

import json

import pytest

from bot.domain.consent_lists import Appearance
from bot.domain.model import Refused
from bot.domain.photo_checks import Verdict
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_staff_photo_checks import photo_check_verdict
from bot.i18n import use_language
from bot.services import Services
from storage.db import fetch_all
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock

TEACHER = StaffActor(7001)


async def test_a_check_says_ok_or_whom_to_leave_out_and_why(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3", "5"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    james = await link_guardian(s, clock, "James Whitfield", 5002)
    priya = await link_guardian(s, clock, "Priya Sharma", 5003)
    zoe = await student_id(s.db.reader, "L1001")
    arjun = await student_id(s.db.reader, "L1004")
    await s.consents.change(marieke, zoe, {"website": True, "newsletter": True})
    await s.consents.change(priya, arjun, {"website": True})
    groups = await s.photo_checks.groups(TEACHER)
    assert [g.name for g in groups] == ["3", "5"]
    pupils = await s.photo_checks.pupils(TEACHER, [g.id for g in groups])
    assert [p.first_name for p in pupils][:2] == ["Arjun", "Zoë"]

    ok = await s.photo_checks.check(TEACHER, "website", [zoe, arjun], idempotency_key="c1")
    assert ok.verdict == Verdict.PUBLISH and ok.leave_out == ()
    with use_language("en"):
        text = photo_check_verdict(ok)
    assert text.startswith("✅ <b>OK to publish</b>\nAll 2 children in the photo may appear")

    await s.consents.change(james, zoe, {"newsletter": False})
    daniel = await student_id(s.db.reader, "L1002")
    out = await s.photo_checks.check(TEACHER, "newsletter", [zoe, arjun, daniel])
    assert out.verdict == Verdict.LEAVE_OUT
    assert [(c.student.first_name, c.state) for c in out.leave_out] == [
        ("Zoë", Appearance.DISAGREE),
        ("Arjun", Appearance.UNKNOWN),
        ("Daniël", Appearance.UNKNOWN),
    ]
    with use_language("nl"):
        text = photo_check_verdict(out)
    assert "⛔ <b>Weglaten of onherkenbaar maken</b>" in text
    assert "• Zoë de Jong (groep 3): ouders oneens" in text
    assert "• Arjun Sharma (groep 3): geen antwoord" in text

    # Recorded: who, when, purpose, how many children, the verdict; never a photo.
    rows = await fetch_all(
        s.db.reader, "SELECT purpose, children, left_out, verdict FROM photo_checks ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [
        ("website", 2, 0, "publish"),
        ("newsletter", 3, 3, "leave_out"),
    ]
    audit = await fetch_all(
        s.db.reader, "SELECT details FROM audit_events WHERE action = 'photo.checked'"
    )
    assert json.loads(audit[0][0])["verdict"] == "publish"
    # The same check again (a double tap) is the same check.
    again = await s.photo_checks.check(TEACHER, "website", [zoe, arjun], idempotency_key="c1")
    assert again.id == ok.id and again.verdict == Verdict.PUBLISH

    # Zoë's website consent is withdrawn: Anna is told, naming her check.
    await s.consents.change(marieke, zoe, {"website": False})
    notices = [t for t in await queued_for(s, 7001) if "fotocontrole" in t]
    assert len(notices) == 1
    assert "Toestemming ingetrokken na uw fotocontrole" in notices[0]
    assert "Zoë de Jong (groep 3) mag niet meer in beeld voor" in notices[0]
    assert (
        "Website van de school: uw controle van 2 november 2026 om 10.00 uur (2 kinderen)"
        in notices[0]
    )
    # A withdrawal for a purpose she never cleared them for tells her nothing.
    await s.consents.change(priya, arjun, {"newsletter": False})
    assert len([t for t in await queued_for(s, 7001) if "fotocontrole" in t]) == 1


async def test_only_their_own_groups_and_real_photo_purposes(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    lotte = await student_id(s.db.reader, "L1007")  # group 7
    zoe = await student_id(s.db.reader, "L1001")
    for purpose, children in (
        ("website", [lotte]),
        ("website", [zoe, lotte]),
        ("website", [99999]),
    ):
        with pytest.raises(Refused, match="not_allowed"):
            await s.photo_checks.check(TEACHER, purpose, children)
    with pytest.raises(Refused, match="invalid"):
        await s.photo_checks.check(TEACHER, "school_photographer", [zoe])  # not a photo purpose
    with pytest.raises(Refused, match="invalid"):
        await s.photo_checks.check(TEACHER, "website", [])
    with pytest.raises(Refused, match="not_allowed"):
        await s.photo_checks.check(StaffActor(4242), "website", [zoe])
    assert await fetch_all(s.db.reader, "SELECT * FROM photo_checks") == []
    refused = await fetch_all(
        s.db.reader, "SELECT COUNT(*) FROM audit_events WHERE action = 'consents.refused'"
    )
    assert refused[0][0] == 4
