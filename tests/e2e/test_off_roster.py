"""A parent who is no longer on the roster keeps her requests, and only those."""

from __future__ import annotations

import pytest

from bot.domain.model import Outcome, RefusalReason, Refused, Status
from bot.domain.staff_base import StaffActor
from bot.schools.roster import import_roster, parse_roster
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher
from tests.support import ROSTER_CSV


async def _roster_without_marieke(h: Harness) -> None:
    lines = ROSTER_CSV.read_text(encoding="utf-8").splitlines()
    kept = "\n".join(line for line in lines if "Marieke de Jong" not in line) + "\n"
    rows = parse_roster(kept.encode(), h.clock.now().date())
    await import_roster(h.s.db, h.s.keys, h.clock, h.s.school("cbs-klimop"), rows)


async def test_a_parent_taken_off_the_roster_keeps_her_request_and_staff_are_warned(
    harness: Harness,
) -> None:
    h = harness
    teacher = await linked_teacher(h, 7001, ["3"])
    marieke = await linked_parent(h, 5001, "Marieke de Jong")
    old_menu = marieke.last_with_buttons()
    await marieke.tap("Wat de school vastlegt")
    await marieke.tap("Kopie van het dossier aanvragen")
    await marieke.tap("In dit gesprek")
    await marieke.tap("Verzoek versturen")
    await h.deliver_outbox()

    await _roster_without_marieke(h)

    menu = await marieke.send("/menu")
    assert "U staat niet meer in de leerlingadministratie" in menu.text
    assert "Zoë" not in menu.text
    assert menu.buttons == ["Mijn verzoeken", "Privacy-informatie", "Taal / Language"]
    mine = await marieke.tap("Mijn verzoeken")
    assert "2026-0001" in mine.text
    detail = await marieke.tap(mine.last.button_texts[0])
    assert "Verzoek 2026-0001" in detail.text
    # A button of her old menu for a new request about the child leads back to the menu.
    stale = await marieke.tap("Gegevens corrigeren", old_menu)
    assert "U staat niet meer in de leerlingadministratie" in stale.text

    case = await teacher.send("/case 2026-0001")
    assert "staat niet meer als ouder of verzorger van dit kind" in case.text

    # A copy goes out only when the teacher confirms it is right (its sending is not part of
    # this test: the file id below is not one Telegram knows).
    h.manual_outbox()
    staff = StaffActor(7001)
    await h.s.staff_cases.attach(staff, 1, "document", "FILE-1", "dossier.pdf")
    with pytest.raises(Refused) as refused:
        await h.s.staff_cases.resolve(staff, 1, Outcome.ANSWERED)
    assert refused.value.reason is RefusalReason.REQUESTER_OFF_ROSTER
    assert (await h.s.staff_views.view(staff, 1)).case.status == Status.SUBMITTED
    done = await h.s.staff_cases.resolve(staff, 1, Outcome.ANSWERED, off_roster_confirmed=True)
    assert done.status == Status.RESOLVED
