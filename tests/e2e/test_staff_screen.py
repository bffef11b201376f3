"""The head teacher's Staff screen: ending a teacher's access and moving another teacher's
group in the bot, each after a confirmation; nobody else can."""

from __future__ import annotations

from handlers.buttons import Staff
from storage import audit_events
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent, staff_code


async def _school(h: Harness) -> tuple[Person, Person, Person, Person]:
    anna = h.person(7001, "Anna", "nl")
    await anna.send(f"/start {await staff_code(h, 'Anna de Wit', 'teacher', ['3'])}")
    bram = h.person(7003, "Bram", "nl")
    await bram.send(f"/start {await staff_code(h, 'Bram Bos', 'teacher', ['5'])}")
    director = h.person(7002, "Jolanda", "nl")
    await director.send(f"/start {await staff_code(h, 'J. de Vries', 'director', [])}")
    marieke = await linked_parent(h, 5001, "Marieke de Jong")
    return anna, bram, director, marieke


async def test_the_head_teacher_ends_a_teachers_access_and_moves_a_group(
    harness: Harness,
) -> None:
    h = harness
    anna, bram, director, marieke = await _school(h)
    await marieke.tap("Wat de school vastlegt")
    await marieke.tap("Kopie van het dossier aanvragen")
    await marieke.tap("In dit gesprek")
    await marieke.tap("Verzoek versturen")
    await h.deliver_outbox()
    alert = anna.messages[-1]
    case = await anna.tap("Verzoek 2026-0001 openen", alert)

    await director.send("/menu")
    listing = await director.tap("Medewerkers")
    assert "Medewerkers van cbs Klimop" in listing.text
    assert "Anna de Wit, leerkracht van groep 3" in listing.text
    assert "gebruikt de bot · 1 open verzoek" in listing.text

    # Bram moves from group 5 to groups 3 and 5: he takes group 3 over with Anna.
    await director.tap("Bram Bos")
    await director.tap("Groepen wijzigen")
    choosing = await director.tap("groep 3")
    assert "Gekozen: groep 3 en 5" in choosing.text
    saved = await director.tap("Deze groepen opslaan")
    assert "Bram Bos geeft nu les aan groep 3 en 5." in saved.text

    # Anna leaves: her request goes to Bram, the teacher of the group who uses the bot.
    await director.tap("« Medewerkers")
    await director.tap("Anna de Wit")
    asked = await director.tap("Toegang beëindigen")
    assert "De toegang van Anna de Wit beëindigen?" in asked.text
    assert "1 open verzoek gaat naar de leerkracht" in asked.text
    done = await director.tap("Ja, toegang beëindigen")
    assert "Anna de Wit heeft geen toegang meer tot Privacyloket." in done.text
    assert "Verzoek 2026-0001 gaat nu naar Bram Bos." in done.text
    await h.deliver_outbox()
    assert "ligt nu bij u" in bram.messages[-1].text

    # Her old screen and her alert's button no longer do anything.
    for label, message in (
        ("In behandeling nemen", case.last),
        ("Verzoek 2026-0001 openen", alert),
    ):
        seen = await anna.tap(label, message)
        assert [m.text for m in seen.messages] == [
            "Dit Telegram-account is niet meer aan een school gekoppeld. Werkt u op de school of "
            "heeft u daar een kind, vraag de school dan om een nieuwe code, tik op /start en typ "
            "de code."
        ]
    taken = await bram.send("/take 2026-0001")
    assert "in behandeling" in taken.text

    actions = [e.action async for e in audit_events.iterate(h.s.db.reader)]
    assert "staff.groups_changed" in actions and "staff.removed" in actions


async def test_only_a_head_teacher_of_the_school_changes_the_staff(harness: Harness) -> None:
    h = harness
    anna, _bram, director, _marieke = await _school(h)
    codec = h.app.bot_data["codec"] if h.app else None
    assert codec is not None
    bram_id = (await h.s.accounts.profile(7003)).staff[0].id  # type: ignore[union-attr]
    for press in (
        Staff.TEAM(),
        Staff.TEAM_REMOVE_CONFIRMED(bram_id),
        Staff.TEAM_CODE_CONFIRMED(bram_id),
    ):
        data = codec.encode(7001, press.action.code, *press.wire())
        await anna.send("/menu")
        seen = await anna.tap_data(data)
        assert "De lijst met medewerkers is voor de directeur." in seen.text
    assert (await h.s.accounts.profile(7003)) is not None

    # The only head teacher cannot end their own access.
    own = (await h.s.accounts.profile(7002)).staff[0].id  # type: ignore[union-attr]
    await director.send("/menu")
    await director.tap("Medewerkers")
    await director.tap("J. de Vries")
    await director.tap("Toegang beëindigen")
    refused = await director.tap("Ja, toegang beëindigen")
    assert "U bent de enige directeur van de school" in refused.text
    assert (await h.s.staff_membership.member(1, own)) is not None


async def test_a_new_code_from_the_staff_screen_links_a_new_phone(harness: Harness) -> None:
    h = harness
    _anna, _bram, director, _marieke = await _school(h)
    await director.send("/menu")
    await director.tap("Medewerkers")
    await director.tap("Anna de Wit")
    await director.tap("Nieuwe code (nieuwe telefoon)")
    shown = await director.tap("Nieuwe code maken")
    code = shown.text.split("\n")[1]
    new_phone = h.person(7101, "Anna", "nl")
    linked = await new_phone.send(f"/start {code}")
    assert "Anna de Wit" in linked.text or "leerkracht" in linked.text
    assert await h.s.accounts.profile(7001) is None
    assert (await h.s.accounts.profile(7101)) is not None
