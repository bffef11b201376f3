"""Consent for passing data to another organisation (an exchange) beside the photo purposes:
on the parents' consent screen with the same rules, in the child's ledger, in My requests
and on the staff member's request; an exchange that ended applies to nobody."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher


async def test_an_exchange_is_given_refused_and_ends_with_its_ledger(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")

    seen = await marieke.tap("Fototoestemming")
    text = seen.text
    assert "\nGegevens naar andere organisaties\n" in text
    photographer = text.split(" Schoolfotograaf\nNaar")[1]
    assert ": Fotostudio De Lens (voorbeeld)" in photographer
    assert "Tot en met: " in photographer or "16 juli 2027" in photographer
    assert "Uw antwoord: niet beantwoord" in photographer
    assert "Nu: de gegevens van Zoë worden niet doorgegeven (nog niemand gaf toestemming)." in (
        photographer
    )
    assert "➖ Schoolfotograaf" in seen.buttons
    seen = await marieke.tap("➖ Schoolfotograaf")
    assert "✅ Schoolfotograaf" in seen.buttons
    assert (
        "niet beantwoord → gegeven zodra u bevestigt"
        in seen.text.split(" Schoolfotograaf\nNaar")[1]
    )
    seen = await marieke.tap("Mijn wijzigingen bekijken")
    assert "• Schoolfotograaf: toestemming geven" in seen.text
    seen = await marieke.tap("Bevestigen")
    assert "• Schoolfotograaf: gegevens mogen mee" in seen.text
    assert "• Website van de school: geen foto's" in seen.text

    await harness.deliver_outbox()
    assert "School photographer: consent given" in james.messages[-1].text
    assert "2026-0001" in teacher.messages[-1].text

    # James refuses: the refusal wins, and each sees it on the screen.
    await james.send("/menu")
    await james.tap("Photo consent")
    await james.tap("➖ School photographer")
    seen = await james.tap("✅ School photographer")
    assert "❌ School photographer" in seen.buttons
    seen = await james.tap("Review my changes")
    assert "• School photographer: refuse consent" in seen.text
    seen = await james.tap("Confirm")
    assert "• School photographer: data not passed on" in seen.text
    await harness.deliver_outbox()

    await marieke.send("/menu")
    seen = await marieke.tap("Fototoestemming")
    assert (
        "Nu: de gegevens van Zoë worden niet doorgegeven, omdat een andere ouder weigerde."
        in seen.text
    )
    seen = await marieke.tap("Wie koos wat, en wanneer")
    assert "Overzicht van toestemmingen voor Zoë" in seen.text
    assert "2 november 2026: Schoolfotograaf: toestemming gegeven, door u" in seen.text
    assert "2 november 2026: Schoolfotograaf: geen toestemming, door een andere ouder" in seen.text
    seen = await marieke.tap("« Terug naar fototoestemming")
    assert "Fototoestemming voor Zoë" in seen.text

    # The requests name the exchange by its label, for the parent and for the teacher.
    await marieke.send("/menu")
    await marieke.tap("Mijn verzoeken")
    seen = await marieke.tap(marieke.last_with_buttons().button_texts[0])
    assert "• Schoolfotograaf: toestemming gegeven" in seen.text
    assert "school_photographer" not in seen.text
    seen = await teacher.send("/case 2026-0002")
    assert "• School photographer: consent refused" in seen.text
    assert "school_photographer" not in seen.text

    # After its last day the exchange ends by itself: no button, and the ledger says so.
    harness.clock.moment = harness.clock.moment.replace(year=2027, month=7, day=20)
    await james.send("/menu")
    seen = await james.tap("Photo consent")
    assert "School photographer ended after 16 July 2027" in seen.text
    assert not any("School photographer" in b for b in seen.buttons)
    seen = await james.tap("Who chose what, and when")
    assert "School photographer has ended" in seen.text
