"""What parents and staff read, as a Dutch school writes it and in plain English: codes,
hints, Dutch options in a Dutch chat, staff help, groups, dates and times."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import (
    guardian_code,
    linked_director,
    linked_parent,
    linked_staff,
    linked_teacher,
    request_correction,
    staff_code,
)


async def test_a_parent_who_scans_her_letter_again_is_told_she_is_linked(
    harness: Harness,
) -> None:
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await marieke.send(f"/start {await guardian_code(harness, 'Marieke de Jong')}")
    assert "U bent al gekoppeld met deze code." in seen.text
    assert "werkt niet" not in seen.text and "opnieuw" not in seen.text
    assert "Wat de school vastlegt" in seen.buttons  # the menu


async def test_hints_point_to_buttons_only_where_there_are_buttons(harness: Harness) -> None:
    stranger = harness.person(5099, "Vreemde", "nl")
    seen = await stranger.send("hallo")
    assert "knoppen" not in seen.text and "Dat begreep ik niet." in seen.text
    assert seen.buttons == []
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    seen = await inge.send("hallo")
    assert seen.messages[0].text == "Gebruik de knoppen van het menu hieronder."
    assert "Wat de school vastlegt" in seen.buttons


async def test_dutch_options_in_a_dutch_chat_and_typed_in_dutch(harness: Harness) -> None:
    director = await linked_director(harness, 7003)
    seen = await director.send("/queue soorten")
    assert (
        "/queue alle, /queue te laat of /queue met een soort verzoek gebruiken: kopie, "
        "correctie, verwijdering, toestemming, beperking, bezwaar." in seen.text
    )
    assert "access" not in seen.text and "rectification" not in seen.text
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await request_correction(marieke)
    seen = await director.send("/queue correctie")
    assert "2026-0001" in seen.text
    seen = await director.send("/queue te laat")
    assert "Geen openstaande verzoeken" in seen.text
    seen = await director.send("/queue rectification")  # the English word still works
    assert "2026-0001" in seen.text

    seen = await director.send("/consents vlog")
    assert (
        "Doelen: website van de school, nieuwsbrief, schoolgids, sociale media, "
        "klassenapp (ouderapp)" in seen.text
    )
    assert "school_guide" not in seen.text and "newsletter" not in seen.text
    seen = await director.send("/consents sociale media 3")
    assert "Sociale media" in seen.text and "Zoë" in seen.text


async def test_staff_help_and_the_menu_say_what_this_member_can_do(harness: Harness) -> None:
    anna = await linked_teacher(harness, 7001, ["3", "4"], "nl")
    seen = await anna.send("/menu")
    assert "U staat geregistreerd als leerkracht van groep 3 en 4 bij cbs Klimop." in seen.text
    assert "Uw commando's staan onder /help." in seen.text
    seen = await anna.send("/help")
    assert seen.text.startswith("In Privacyloket oefenen ouders hun privacyrechten")
    assert "/attach" in seen.text and "/digest" not in seen.text
    assert "/queue – uw openstaande verzoeken\n" in seen.text
    commands = [c.params for c in harness.fake.calls_to("setMyCommands")]
    teacher_list = [c for c in commands if c.get("scope", {}).get("chat_id") == anna.id][-1]
    assert "digest" not in [c["command"] for c in teacher_list["commands"]]

    both = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await both.send(
        f"/start {await staff_code(harness, 'Marieke de Jong', 'teacher', ['5'])}"
    )
    text = seen.text
    assert text.index("U staat geregistreerd") < text.index("Wat wilt u doen?")


async def test_times_read_as_a_dutch_school_writes_them(harness: Harness) -> None:
    anna = await linked_teacher(harness, 7001, ["3"], "nl")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await request_correction(marieke)
    seen = await anna.send("/take 2026-0001")
    assert "U heeft verzoek 2026-0001 in behandeling genomen." in seen.text
    assert "2 november 2026 om 10.00 uur · verzoek ontvangen" in seen.text
    seen = await anna.send("/take 2026-0001")
    assert "op 2 november 2026 om 10.00 uur" in seen.text


async def test_the_privacy_officer_belongs_to_the_foundation(harness: Harness) -> None:
    officer = await linked_staff(harness, 7005, "P. Officier", "privacy_officer", [], "en")
    seen = await officer.send("/menu")
    assert "You are registered as privacy officer of the SCPO-NOP foundation." in seen.text
    assert "privacy officer at cbs Klimop" not in seen.text
