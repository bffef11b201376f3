"""Restriction (AVG art. 18) and objection (art. 21): asked from the menu, sent to the director."""

from __future__ import annotations

import pytest

from bot.domain.model import Actor, Kind, Refused
from storage import cases
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_director, linked_parent


async def test_a_restriction_in_dutch_survives_stickers_long_text_and_html(
    harness: Harness,
) -> None:
    director = await linked_director(harness, 7003)
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    menu = inge.last_with_buttons()
    assert menu.button_texts[3:5] == ["Gebruik beperken", "Bezwaar maken"]

    seen = await inge.tap("Gebruik beperken")
    assert "Gebruik van gegevens over Sem beperken" in seen.text
    assert "AVG art. 18" in seen.text
    categories = seen.last
    stale = next(d for row in categories.buttons for t, d in row if t == "Verzuim")
    assert stale is not None
    seen = await inge.tap("Verzuim")
    assert "Beperking van het gebruik voor Sem" in seen.text
    assert "Over: Verzuim" in seen.text
    assert "waarom de school het gebruik van deze gegevens moet beperken" in seen.text

    seen = await inge.do(harness.fake.send_sticker)
    assert "Wilt u uw antwoord als tekst typen?" in seen.text
    seen = await inge.send("a" * 5000)
    assert "5.000 tekens" in seen.text and "Er is nog niets verstuurd" in seen.text
    text = "Klopt niet: <i>ziek</i> op 3/11 & wordt nagekeken 🙏"
    seen = await inge.send(text)
    assert "Controleer uw verzoek" in seen.text
    assert text in seen.text  # escaped, shown as typed, not cut
    assert "Verzoek: beperking van het gebruik" in seen.text

    seen = await inge.tap("Verzoek versturen")
    assert "Uw verzoek is verstuurd." in seen.text
    assert "2026-0001 (beperking van het gebruik)" in seen.text
    assert "woensdag 2 december 2026" in seen.text

    # A button from an earlier screen no longer works, and starts nothing.
    seen = await inge.tap_data(stale, categories)
    assert "Gebruik van gegevens" not in seen.text and "Wilt u typen" not in seen.text

    await harness.deliver_outbox()
    alert = director.messages[-1].text
    assert "Nieuw verzoek 2026-0001: beperking van het gebruik" in alert
    assert "AVG art. 18" in alert and "Over: Verzuim" in alert
    assert text in alert
    stored = await cases.get(harness.s.db.reader, 1)
    assert stored is not None and stored.kind == "restriction"
    assert stored.assignee_role == "director"
    assert await cases.get(harness.s.db.reader, 2) is None


async def test_an_objection_in_english_for_one_of_two_children(harness: Harness) -> None:
    director = await linked_director(harness, 7003, "en")
    priya = await linked_parent(harness, 5004, "Priya Sharma", "en")
    seen = await priya.tap("Object")
    assert "About which child?" in seen.text
    seen = await priya.tap("Meera (group 7)")
    assert "Object to the use of data about Meera" in seen.text
    assert "GDPR (AVG) Art. 21" in seen.text
    seen = await priya.tap("Progress and marks")
    assert "Objection for Meera" in seen.text
    assert "At most 1,000 characters." in seen.text
    seen = await priya.send("   ")
    assert "Please type why you object" in seen.text
    seen = await priya.do(harness.fake.send_sticker)
    assert "Please type your answer as text." in seen.text
    seen = await priya.send("🙂" * 5000)
    assert "5,000 characters long; the limit is 1,000" in seen.text
    stale = priya.last_with_buttons()
    seen = await priya.send("We object to test results being shared with the new school.")
    assert "Request: objection" in seen.text
    seen = await priya.tap("Change the text")
    seen = await priya.send("We object to <script>alert(1)</script> 😀 " + "x" * 900)
    assert "<script>alert(1)</script>" in seen.text
    seen = await priya.tap("Send request")
    assert "Request number: 2026-0001 (objection)" in seen.text

    assert "Wednesday, 2 December 2026" in seen.text
    await priya.tap("My requests")
    seen = await priya.tap(priya.last_with_buttons().button_texts[0])
    assert "Request: objection" in seen.text and "About: Progress and marks" in seen.text
    assert "Wednesday, 2 December 2026" in seen.text

    await harness.deliver_outbox()
    alert = director.messages[-1].text
    assert "New request 2026-0001: objection" in alert
    assert "Meera Sharma (group 7)" in alert and "GDPR (AVG) Art. 21" in alert
    assert "<script>alert(1)</script>" in alert

    # The text question's Cancel button, tapped after sending: refused, the request stays.
    seen = await priya.tap("Cancel", stale)
    assert "Cancelled" not in seen.text and seen.text.startswith("Privacyloket")
    assert harness.fake.calls_to("answerCallbackQuery")[-1].params.get("text") == (
        "This button no longer works."
    )
    stored = await cases.get(harness.s.db.reader, 1)
    assert stored is not None and stored.kind == "objection" and stored.status == "submitted"


async def test_the_access_overview_points_to_the_new_buttons(harness: Harness) -> None:
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "nl")
    seen = await anouk.tap("Wat de school vastlegt")
    assert "(Gebruik beperken)" in seen.text and "(Bezwaar maken)" in seen.text
    assert "knop in /menu" in seen.text


async def test_an_objection_to_consent_based_data_points_to_withdrawing_consent(
    harness: Harness,
) -> None:
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    seen = await inge.tap("Bezwaar maken")
    assert "Foto's en video's" not in seen.buttons and "Geloofsovertuiging" not in seen.buttons
    assert (
        "Geloofsovertuiging, Foto's en video's: deze gegevens gebruikt de school alleen met uw "
        "toestemming, dus bezwaar maken is niet nodig." in seen.text
    )
    assert "Trek uw toestemming in onder Fototoestemming" in seen.text
    objection = seen.last
    seen = await inge.tap("Fototoestemming")
    assert "Fototoestemming voor Sem" in seen.text
    # A button forged for the photos (as an old version drew it) starts no objection.
    codec = harness.app.bot_data["codec"] if harness.app else None
    assert codec is not None
    await inge.send("/menu")
    await inge.tap("Bezwaar maken")
    profile = await harness.s.accounts.profile(inge.id)
    assert profile is not None
    data = codec.encode(inge.id, "objcat", profile.children[0].id, "photos")
    seen = await inge.tap_data(data, inge.last_with_buttons())
    assert "Bezwaar voor Sem" not in seen.text  # the same list again, nothing asked
    seen = await inge.send("Ik wil geen foto's.")
    assert "Controleer uw verzoek" not in seen.text
    assert objection.message_id
    assert await cases.get(harness.s.db.reader, 1) is None
    actor = Actor(inge.id, profile.guardian_ids)
    for category in ("photos", "religion"):
        with pytest.raises(Refused):
            await harness.s.cases.submit(
                actor,
                student_id=profile.children[0].id,
                kind=Kind.OBJECTION,
                details={"category": category},
            )
