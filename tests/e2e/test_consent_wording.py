"""Photo consent says what it is (AVG art. 7(3)): refusing is not withdrawing, consent can
always be withdrawn (said before the choice), what was handed out cannot be taken back, and
with two parents the confirmation says what now applies and why."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher


def _button(seen_buttons: list[str], label: str) -> str:
    return next(b for b in seen_buttons if label in b)


async def test_withdrawing_says_what_is_taken_down_and_what_cannot_be_recalled(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["7"], "en")
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "en")
    seen = await anouk.tap("Photo consent")
    intro = seen.text.split("\n\n")[0]
    assert "You can always withdraw consent later, here: it takes effect at once." in intro
    await anouk.tap(_button(seen.buttons, "School website"))
    await anouk.tap(_button(anouk.last_with_buttons().button_texts, "Newsletter"))
    seen = await anouk.tap("Review my changes")
    assert "• School website: give consent\n• Newsletter: give consent" in seen.text
    await anouk.tap("Confirm")

    await anouk.send("/menu")
    seen = await anouk.tap("Photo consent")
    await anouk.tap(_button(seen.buttons, "School website"))
    await anouk.tap(_button(anouk.last_with_buttons().button_texts, "Newsletter"))
    seen = await anouk.tap("Review my changes")
    assert "• School website: withdraw consent\n• Newsletter: withdraw consent" in seen.text
    assert "What was published for School website is taken down." in seen.text
    assert (
        "Newsletter: what was already handed out cannot be taken back; photos of Thijs are "
        "not used in new ones." in seen.text
    )
    seen = await anouk.tap("Confirm")
    assert "• School website: no photos (you withdrew your consent)" in seen.text
    assert "Newsletter: what was already handed out cannot be taken back" in seen.text

    await harness.deliver_outbox()
    task = teacher.messages[-1].text
    assert "School website: consent withdrawn. Stop using photos" in task
    assert "Newsletter: consent withdrawn." in task
    assert "copies already handed out cannot be recalled" in task


async def test_a_first_refusal_is_not_a_withdrawal_and_two_parents_hear_why(
    harness: Harness,
) -> None:
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await james.tap("Photo consent")
    website = _button(seen.buttons, "School website")
    await james.tap(website)  # not answered -> given
    await james.tap(_button(james.last_with_buttons().button_texts, "School website"))  # refused
    seen = await james.tap("Review my changes")
    assert "• School website: refuse consent" in seen.text
    assert "withdraw" not in seen.text
    assert "taken down" not in seen.text  # nothing was allowed, nothing to take down
    seen = await james.tap("Confirm")
    assert "• School website: no photos (you refused)" in seen.text
    await harness.deliver_outbox()
    told = marieke.messages[-1].text
    assert "• Website van de school: toestemming geweigerd" in told
    assert "ingetrokken" not in told
    assert "Wat nu geldt:\n• Website van de school: geen foto's (een ouder weigerde)" in told
    assert "• Nieuwsbrief: geen foto's (nog niemand gaf toestemming)" in told

    seen = await marieke.tap("Fototoestemming")
    await marieke.tap(_button(seen.buttons, "Website van de school"))
    await marieke.tap("Mijn wijzigingen bekijken")
    seen = await marieke.tap("Bevestigen")
    assert "• Website van de school: geen foto's (een andere ouder weigerde)" in seen.text
    assert "• Nieuwsbrief: geen foto's (nog niemand gaf toestemming)" in seen.text
    await harness.deliver_outbox()
    told = james.messages[-1].text
    assert "Another parent or guardian of Zoë has changed their photo consent:" in told
    assert "• School website: no photos (a parent refused)" in told
    assert "School photographer" not in told  # a photo change lists the photo purposes


async def test_a_consent_change_is_a_change_in_effect_not_a_request(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "nl")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await marieke.tap("Fototoestemming")
    await marieke.tap(_button(seen.buttons, "Website van de school"))
    await marieke.tap("Mijn wijzigingen bekijken")
    seen = await marieke.tap("Bevestigen")
    assert "Deze wijziging geldt nu; de leerkracht is gevraagd ernaar te handelen" in seen.text
    assert "verzoek " not in seen.text and "(verzoek" not in seen.text
    await teacher.send("/take 2026-0001")
    await harness.deliver_outbox()
    taken = marieke.messages[-1].text
    assert taken.startswith("Uw wijziging fototoestemming 2026-0001")
    assert "Zij geldt al sinds u haar bevestigde." in taken
    assert "verzoek" not in taken.lower() and "antwoordt" not in taken
    await teacher.send("/resolve 2026-0001")
    await teacher.tap("Geen bericht")
    await teacher.tap("Bevestigen")
    await harness.deliver_outbox()
    done = marieke.messages[-1].text
    assert "De leerkracht heeft uw wijziging verwerkt." in done
    assert "dit verzoek" not in done and "Uw verzoek" not in done

    await marieke.send("/menu")
    seen = await marieke.tap("Mijn verzoeken")
    assert "Een wijziging van de fototoestemming is geen verzoek" in seen.text
    assert "2026-0001 · wijziging fototoestemming · Zoë · geldt" in seen.text
    seen = await marieke.tap(marieke.last_with_buttons().button_texts[0])
    assert seen.text.startswith("Wijziging fototoestemming 2026-0001")
    assert "De afhandeling is een taak voor de leerkracht: afgehandeld." in seen.text
    assert "Uitkomst" not in seen.text
    history = seen.text.split("Verloop")[1]
    assert "wijziging door u bevestigd, geldt meteen" in history
    assert "taak van de leerkracht opgepakt" in history
    assert "taak van de leerkracht afgerond" in history
    assert "verzoek" not in history


async def test_a_first_refusal_in_dutch_is_told_to_the_other_parent_in_english(
    harness: Harness,
) -> None:
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    seen = await marieke.tap("Fototoestemming")
    website = _button(seen.buttons, "Website van de school")
    await marieke.tap(website)  # not answered -> given
    await marieke.tap(_button(marieke.last_with_buttons().button_texts, "Website van de school"))
    seen = await marieke.tap("Mijn wijzigingen bekijken")
    assert "• Website van de school: toestemming weigeren" in seen.text
    assert "intrekken" not in seen.text
    seen = await marieke.tap("Bevestigen")
    assert "• Website van de school: geen foto's (u weigerde)" in seen.text
    await harness.deliver_outbox()
    told = james.messages[-1].text
    assert "• School website: consent refused" in told
    assert "withdrawn" not in told
    assert "What applies now:\n• School website: no photos (a parent refused)" in told
