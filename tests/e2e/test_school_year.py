"""A pupil leaves at the new school year: the teacher gets the takedown task in Telegram,
the parents do not see it as a request of theirs."""

from __future__ import annotations

from bot.domain.model import Actor
from bot.schools.roster import import_roster, parse_roster
from tests.domain_helpers import student_id
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent
from tests.e2e.helpers import linked_teacher as _teacher
from tests.support import new_school_year_roster


async def test_the_teacher_is_asked_to_take_down_photos_of_a_pupil_who_left(
    harness: Harness,
) -> None:
    h = harness
    teacher = await _teacher(h, 7001, ["7"])
    anouk = await linked_parent(h, 5001, "Anouk Smit", "nl")
    profile = await h.s.accounts.profile(anouk.id)
    assert profile is not None
    thijs = await student_id(h.s.db.reader, "L1012")
    await h.s.consents.change(
        Actor(anouk.id, profile.guardian_ids), thijs, {"website": True, "class_app": True}
    )
    await h.deliver_outbox()

    rows = parse_roster(new_school_year_roster().encode(), h.clock.now().date())
    await import_roster(h.s.db, h.s.keys, h.clock, h.s.school("cbs-klimop"), rows)
    await h.deliver_outbox()

    alert = teacher.messages[-1]
    assert "Taak fototoestemming 2026-0002" in alert.text
    assert "Thijs staat niet meer op de leerlingenlijst van de school" in alert.text
    assert (
        "Website van de school: gebruik hiervoor geen foto's of video's van Thijs meer, en "
        "haal weg wat al gepubliceerd is" in alert.text
    )
    assert "Klassenapp" not in alert.text  # not public: no takedown configured
    seen = await teacher.tap("Verzoek 2026-0002 openen", alert)
    assert "Geopend door Privacyloket: de leerling staat niet meer op de leerlingenlijst." in (
        seen.text
    )
    assert "Aangevraagd door" not in seen.text
    assert (
        "Website van de school: gebruik hiervoor geen foto's of video's van Thijs meer, en "
        "haal weg wat al gepubliceerd is" in seen.text
    )

    seen = await anouk.send("/menu")
    seen = await anouk.tap("Mijn verzoeken")
    assert "2026-0001" in seen.text  # her own consent change
    assert "2026-0002" not in seen.text
