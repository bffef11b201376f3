"""A teacher who left: her access ends at once on every path, and her requests move on."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import schools
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent, staff_code

NO_LONGER = "Dit Telegram-account is niet meer aan een school gekoppeld."


async def _people(h: Harness) -> tuple[Person, Person, Person]:
    teacher = h.person(7001, "Anna", "nl")
    await teacher.send(f"/start {await staff_code(h, 'Anna de Wit', 'teacher', ['3'])}")
    director = h.person(7002, "Jolanda", "nl")
    await director.send(f"/start {await staff_code(h, 'J. de Vries', 'director', [])}")
    marieke = await linked_parent(h, 5001, "Marieke de Jong")
    return teacher, director, marieke


async def _request(marieke: Person) -> None:
    await marieke.send("/menu")
    await marieke.tap("Wat de school vastlegt")
    await marieke.tap("Kopie van het dossier aanvragen")
    await marieke.tap("In dit gesprek")
    await marieke.tap("Verzoek versturen")


async def _remove_anna(h: Harness) -> list[str]:
    """What `privacyloket staff remove` does; the request numbers that moved."""
    school_id = await schools.find_id(h.s.db.reader, "cbs-klimop")
    profile = await h.s.accounts.profile(7001)
    assert school_id is not None and profile is not None
    moved = await h.s.staff_membership.remove(school_id, profile.staff[0].id, actor="cli")
    return [m.number for m in moved]


def _refused(texts: list[str]) -> bool:
    """Told, in one message, that the account is no longer linked and how to start again."""
    return len(texts) == 1 and texts[0].startswith(NO_LONGER)


async def test_a_removed_teacher_can_do_nothing_more_and_her_requests_go_to_the_director(
    harness: Harness,
) -> None:
    h = harness
    teacher, director, marieke = await _people(h)
    await _request(marieke)
    await h.deliver_outbox()
    alert = teacher.messages[-1]
    assert alert.button_texts == ["Verzoek 2026-0001 openen"]
    case_screen = await teacher.tap("Verzoek 2026-0001 openen", alert)
    assert "In behandeling nemen" in case_screen.buttons

    # While she has the case open, a second request's alert waits in the outbox.
    h.manual_outbox()
    await _request(marieke)
    assert await _remove_anna(h) == ["2026-0001", "2026-0002"]
    seen_before = len(teacher.messages)
    await h.deliver_outbox()
    assert len(teacher.messages) == seen_before, "the waiting alert is withdrawn"
    handed = [m.text for m in director.messages if "ligt nu bij u" in m.text]
    assert len(handed) == 2 and all("werkt niet meer met Privacyloket" in t for t in handed)

    # Every path she had: the case screen's buttons, the alert's button, the commands.
    taps = [(label, case_screen.last) for label in ("In behandeling nemen", "Interne notitie")]
    for label, message in [*taps, ("Verzoek 2026-0001 openen", alert)]:
        seen = await teacher.tap(label, message)
        assert _refused([m.text for m in seen.messages]), label
    for command in ("/queue", "/case 2026-0001", "/take 2026-0001", "/note 2026-0001 x"):
        seen = await teacher.send(command)
        assert _refused([m.text for m in seen.messages]), command
    seen = await teacher.send("/consents")
    assert seen.text == "De toestemmingslijsten zijn voor medewerkers van de school."
    assert not any(m.document for m in seen.messages), "no group table of children's names"
    seen = await teacher.send("/digest")
    assert seen.text == "Het overzicht is voor de directeur van een school."

    # The requests are the director's now, and her taps changed nothing on them.
    queue = await director.send("/queue")
    assert "2026-0001" in queue.text and "2026-0002" in queue.text
    for number in ("2026-0001", "2026-0002"):
        case = await director.send(f"/case {number}")
        assert "Status: ontvangen" in case.text
        assert "Toegewezen aan: directeur J. de Vries" in case.text


async def test_after_removal_reminders_and_the_digest_know_only_who_holds_the_request(
    harness: Harness,
) -> None:
    h = harness
    h.manual_outbox()
    teacher, director, marieke = await _people(h)
    await _request(marieke)
    await _remove_anna(h)
    h.clock.moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 7 days before the due date
    before = len(teacher.messages)
    await h.run_scheduled()
    assert len(teacher.messages) == before, "no reminder reaches her"
    assert any("Herinnering: verzoek 2026-0001" in m.text for m in director.messages)
    digest = next(m.text for m in reversed(director.messages) if "Privacyoverzicht" in m.text)
    assert "Anna de Wit" not in digest
    assert "J. de Vries: 1" in digest
