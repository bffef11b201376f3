"""Photo consent rules without Telegram."""

from __future__ import annotations

from datetime import date

from bot.domain.consent import effective
from bot.services import Services
from storage import consents
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock


def test_silence_is_not_consent_and_one_refusal_is_enough() -> None:
    assert effective([]) is False
    assert effective([True]) is True
    assert effective([False]) is False
    assert effective([True, True]) is True
    assert effective([True, False]) is False


async def test_a_change_is_effective_at_once_ledgered_and_told_to_the_others(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    james = await link_guardian(s, clock, "James Whitfield", 5002)
    zoe = await student_id(s.db.reader, "L1001")

    states = {st.key: st for st in await s.consents.states(marieke, zoe)}
    assert all(st.own is None and not st.effective for st in states.values())

    change = await s.consents.change(marieke, zoe, {"website": True, "newsletter": False})
    assert change.changes == {"website": True, "newsletter": False}
    assert change.case is not None and change.case.kind == "consent"
    # A task of five school days from Monday 2 November, not a one-month request.
    assert change.case.due == date(2026, 11, 9)
    states = {st.key: st for st in await s.consents.states(james, zoe)}
    assert states["website"].effective and states["website"].own is None
    assert states["newsletter"].refused_by_other

    told = await queued_for(s, 5002)
    assert len(told) == 1 and "heeft zijn of haar fototoestemming gewijzigd" in told[0]
    assert await queued_for(s, 5001) == []  # the parent who changed it is not told
    teacher = await queued_for(s, 7001)
    assert "Taak fototoestemming 2026-0001" in teacher[0]
    assert "uiterlijk maandag 9 november 2026" in teacher[0]
    assert "Website van de school</b>: toestemming gegeven. Leg de nieuwe" in teacher[0]
    assert (
        "Nieuwsbrief</b>: toestemming geweigerd. Leg dit vast: Zoë mag hiervoor niet" in teacher[0]
    )
    assert "Zoë" in teacher[0] and "december" not in teacher[0]

    await s.consents.change(james, zoe, {"website": False})
    # Marieke's website consent applied: James's first answer is a refusal (not a
    # withdrawal of his own), and it ends what applied: something to act on.
    teacher = await queued_for(s, 7001)
    assert (
        "Website van de school</b>: toestemming geweigerd door een ouder, dus die geldt niet "
        "meer. Gebruik hiervoor" in teacher[-1]
    )
    assert "ingetrokken" not in teacher[-1]
    assert "haal weg wat al gepubliceerd is" in teacher[-1]
    # Marieke gives newsletter consent while James refused it: the teacher hears that Zoë
    # still may not appear, not that the new consent applies.
    await s.consents.change(james, zoe, {"newsletter": False})
    # Nobody had given newsletter consent: a refusal is recorded, nothing to take down.
    teacher = await queued_for(s, 7001)
    assert (
        "Nieuwsbrief</b>: toestemming geweigerd. Leg dit vast: Zoë mag hiervoor niet"
        in teacher[-1]
    )
    assert "haal weg" not in teacher[-1]
    await s.consents.change(marieke, zoe, {"newsletter": True})
    teacher = await queued_for(s, 7001)
    assert "maar een andere ouder weigerde, dus Zoë mag hiervoor nog steeds niet" in teacher[-1]
    await s.consents.change(marieke, zoe, {"newsletter": False})
    assert not {st.key: st for st in await s.consents.states(marieke, zoe)}["website"].effective

    # Choosing what one already chose changes nothing and opens no case.
    again = await s.consents.change(marieke, zoe, {"website": True})
    assert again == type(again)({}, None)
    ledger = await consents.latest(s.db.reader, zoe)
    assert sorted((c.guardian_id, c.purpose, c.granted) for c in ledger) == sorted(
        [
            (marieke.guardian_ids[0], "website", True),
            (marieke.guardian_ids[0], "newsletter", False),
            (james.guardian_ids[0], "website", False),
            (james.guardian_ids[0], "newsletter", False),
        ]
    )
