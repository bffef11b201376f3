"""Photo consent per child and purpose, with two parents who disagree."""

from __future__ import annotations

from bot.domain.model import Actor
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher
from tests.raw_database import REFUSED, raw_database


async def _effective(h: Harness, user_id: int, child_id: int) -> dict[str, bool]:
    profile = await h.s.accounts.profile(user_id)
    assert profile is not None
    states = await h.s.consents.states(Actor(user_id, profile.guardian_ids), child_id)
    return {s.key: s.effective for s in states}


async def test_two_parents_disagree_and_each_is_told(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"])
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    zoe = (await harness.s.accounts.profile(marieke.id)).children[0].id  # type: ignore[union-attr]

    seen = await marieke.tap("Fototoestemming")
    assert "Fototoestemming voor Zoë" in seen.text
    assert "niet beantwoord" in seen.text
    website = next(b for b in seen.buttons if "Website" in b)
    seen = await marieke.tap(website)
    assert any(b.startswith("✅") and "Website" in b for b in seen.buttons)
    assert await _effective(harness, marieke.id, zoe) == dict.fromkeys(
        ["website", "newsletter", "school_guide", "social_media", "class_app"], False
    )  # nothing changes before confirming
    seen = await marieke.tap("Mijn wijzigingen bekijken")
    assert "toestemming geven" in seen.text
    seen = await marieke.tap("Bevestigen")
    assert "Opgeslagen" in seen.text
    assert (await _effective(harness, marieke.id, zoe))["website"] is True

    await harness.deliver_outbox()
    assert "changed their photo consent:" in james.messages[-1].text
    assert "School website: consent given" in james.messages[-1].text
    alert = teacher.messages[-1].text
    assert "Taak fototoestemming 2026-0001" in alert
    assert "Website van de school: toestemming gegeven. Leg de nieuwe toestemming vast" in alert
    assert "uiterlijk maandag 9 november 2026" in alert  # five school days, not a month

    # James refuses: with one refusal the school may not use photos on the website.
    await james.send("/menu")
    seen = await james.tap("Photo consent")
    website_part = seen.text.split("School website")[1].split("\n\n")[0]
    assert "Your answer: not answered\n" in website_part
    assert (
        "Now: photos of Zoë allowed, because another parent gave consent and nobody refused."
        in website_part
    )
    assert "counts as" not in website_part  # one coherent truth, no "counts as no" beside it
    website = next(b for b in seen.buttons if "School website" in b)
    await james.tap(website)
    seen = await james.tap(
        next(b for b in james.last_with_buttons().button_texts if "School website" in b)
    )
    assert any(b.startswith("❌") and "School website" in b for b in seen.buttons)
    seen = await james.tap("Review my changes")
    assert "• School website: refuse consent" in seen.text  # his first answer: not withdrawn
    seen = await james.tap("Confirm")
    assert "School website: no photos (you refused)" in seen.text
    assert (await _effective(harness, marieke.id, zoe))["website"] is False

    await harness.deliver_outbox()
    assert "heeft zijn of haar fototoestemming gewijzigd" in marieke.messages[-1].text
    alert = teacher.messages[-1].text
    assert (
        "Website van de school: toestemming geweigerd door een ouder, dus die geldt niet meer. "
        "Gebruik hiervoor geen foto's" in alert
    )
    assert "haal weg wat al gepubliceerd is" in alert

    await marieke.send("/menu")
    seen = await marieke.tap("Fototoestemming")
    website_part = seen.text.split("Website van de school")[1].split("\n\n")[0]
    assert "Uw antwoord: gegeven\n" in website_part
    assert "Nu: geen foto's van Zoë, omdat een andere ouder weigerde." in website_part

    # Both consent changes are requests the parents can see; they cannot be withdrawn.
    seen = await marieke.send("/menu")
    seen = await marieke.tap("Mijn verzoeken")
    assert "fototoestemming · Zoë · geldt" in seen.text
    assert "antwoord uiterlijk" not in seen.text  # a consent change has no answer date
    seen = await marieke.tap(marieke.last_with_buttons().button_texts[0])
    assert "Dit verzoek intrekken" not in seen.buttons
    assert "Uw wijziging geldt sinds 2 november 2026" in seen.text
    assert "uiterlijk" not in seen.text and "december" not in seen.text


async def test_reviewing_without_changes_and_the_ledger_is_append_only(
    harness: Harness,
) -> None:
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "en")
    await anouk.tap("Photo consent")
    seen = await anouk.tap("Review my changes")
    assert "You have not changed anything" in seen.text
    await anouk.tap("« Back to photo consent")
    await anouk.tap(next(b for b in anouk.last_with_buttons().button_texts if "Newsletter" in b))
    await anouk.tap("Review my changes")
    seen = await anouk.tap("Confirm")
    assert "Newsletter: photos allowed" in seen.text

    with raw_database(harness.s) as raw:
        try:
            raw.execute("DELETE FROM consent_ledger")
        except REFUSED as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError("the ledger allowed a deletion")
