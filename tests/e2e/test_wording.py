"""What parents read says one coherent thing and names the law it relies on."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent


async def test_photos_are_not_shared_with_nobody_and_forgetme_names_the_law(
    harness: Harness,
) -> None:
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "en")
    seen = await anouk.tap("What the school records")
    photos = seen.text.split("Photos and videos\n")[1].split("\n\n")[0]
    assert "nobody outside the school" not in photos
    assert "Shared with: only with your consent, for the purposes you chose" in photos
    assert "School website, Newsletter, School guide, Social media" in photos
    assert "Some of these are public" in photos
    # Other data the school keeps to itself still says so.
    assert "Shared with: nobody outside the school" in seen.text

    seen = await anouk.send("/forgetme")
    assert "GDPR (AVG) Art. 17" in seen.text and "Art. 17(3)" in seen.text
    assert "photo-consent choices remain in force" in seen.text
    assert "as the law requires" not in seen.text

    seen = await anouk.send("/privacy")
    assert "Privacy officer (data protection officer, DPO)" in seen.text
    assert "Head teacher:" in seen.text
    assert "(GDPR (AVG) Art. 18)" in seen.text and "(Art. 21)" in seen.text


async def test_one_parent_consent_form_in_dutch(harness: Harness) -> None:
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    seen = await inge.tap("Fototoestemming")
    website = seen.text.split("Website van de school")[1].split("\n\n")[0]
    assert "Uw antwoord: niet beantwoord\n" in website
    assert "Nu: geen foto's van Sem (nog niemand gaf toestemming)." in website
    seen = await inge.tap(next(b for b in seen.buttons if "Website" in b))
    website = seen.text.split("Website van de school")[1].split("\n\n")[0]
    assert "Uw antwoord: niet beantwoord → gegeven zodra u bevestigt" in website
    await inge.tap("Mijn wijzigingen bekijken")
    await inge.tap("Bevestigen")
    await inge.send("/menu")
    seen = await inge.tap("Fototoestemming")
    website = seen.text.split("Website van de school")[1].split("\n\n")[0]
    assert "Uw antwoord: gegeven\nNu: foto's van Sem toegestaan (u gaf toestemming)." in website
    seen = await inge.send("/privacy")
    assert "Privacyfunctionaris (functionaris gegevensbescherming, FG)" in seen.text
    assert "leraar" not in seen.text.lower()


async def test_what_the_school_records_says_what_it_is_and_what_the_law_asks(
    harness: Harness,
) -> None:
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await marieke.tap("Wat de school vastlegt")
    assert seen.text.startswith("Wat cbs Klimop vastlegt")
    assert "De gegevens over Zoë zelf staan in de kopie van het dossier" in seen.text
    assert (
        "Verantwoordelijk voor deze gegevens (de verwerkingsverantwoordelijke volgens de AVG): "
        "Stichting SCPO-NOP, het schoolbestuur van cbs Klimop." in seen.text
    )
    assert "cbs Klimop is verantwoordelijk" not in seen.text
    assert (
        "Grondslag: Wettelijke plicht (Leerplichtwet). Hiervoor vragen wij geen toestemming."
        in seen.text
    )
    for expected in (
        "Een verzoek doen is kosteloos (AVG art. 12 lid 5).",
        "er wordt niets automatisch besloten (AVG art. 22)",
        "tot 12 maanden nadat een verzoek is afgesloten",
        "niet end-to-end versleuteld",
    ):
        assert expected in seen.text, expected

    for screen in ("/privacy",):
        seen = await marieke.send(screen)
        assert "Stichting SCPO-NOP, het schoolbestuur van cbs Klimop" in seen.text
        assert "Grondslag: Een verwerkersovereenkomst met de school." in seen.text
        assert "kosteloos" in seen.text and "niet end-to-end versleuteld" in seen.text
        assert len(seen.messages) == 1  # one screen, not split


async def test_the_privacy_information_in_english_names_the_controller_and_the_basis(
    harness: Harness,
) -> None:
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    seen = await james.tap("Privacy information")
    assert (
        "Responsible for this data (the controller under the GDPR (AVG)): The SCPO-NOP "
        "foundation, the school board of cbs Klimop." in seen.text
    )
    assert "Basis: Legal obligation (Primary Education Act)." in seen.text
    assert "Asking is free of charge (GDPR (AVG) Art. 12(5))." in seen.text
    assert "nothing is decided automatically (GDPR (AVG) Art. 22)" in seen.text
    assert "not end-to-end encrypted" in seen.text
    assert (
        "2 years after your child has left the school, Privacyloket removes your child's "
        "details and the record no longer names your child." in seen.text
    )
    assert "« Back to the menu" in seen.buttons


async def test_the_privacy_information_in_dutch_names_the_controller_and_the_basis(
    harness: Harness,
) -> None:
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await marieke.tap("Privacy-informatie")
    assert (
        "Verantwoordelijk voor deze gegevens (de verwerkingsverantwoordelijke volgens de AVG): "
        "Stichting SCPO-NOP, het schoolbestuur van cbs Klimop." in seen.text
    )
    assert "Grondslag: Wettelijke plicht (Leerplichtwet)." in seen.text
    assert "Een verzoek doen is kosteloos (AVG art. 12 lid 5)." in seen.text
    assert "er wordt niets automatisch besloten (AVG art. 22)" in seen.text
    assert "niet end-to-end versleuteld" in seen.text
    assert (
        "2 jaar nadat uw kind van school is gegaan, verwijdert Privacyloket de gegevens van uw "
        "kind en noemt het overzicht uw kind niet meer." in seen.text
    )
    assert "cbs Klimop is verantwoordelijk" not in seen.text
    assert "« Terug naar het menu" in seen.buttons
