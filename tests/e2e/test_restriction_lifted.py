"""A granted restriction (AVG art. 18) is passed on to the recipients like a correction, and
lifting it is its own step: the parent is told when it ends, and why, before it ends."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher

LEERPLICHT = "Leerplichtambtenaar van de gemeente"
ATTENDANCE_OFFICER = "School attendance officer (leerplichtambtenaar) of the municipality"


async def test_a_restriction_is_passed_on_and_lifted_after_the_parent_is_told(
    harness: Harness,
) -> None:
    director = await linked_director(harness, 7003)
    teacher = await linked_teacher(harness, 7001, ["1"])
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    await inge.tap("Gebruik beperken")
    await inge.tap("Verzuim")
    await inge.send("Het verzuim van oktober klopt niet; gebruik het niet tot het is nagekeken.")
    await inge.tap("Verzoek versturen")
    await director.send("/resolve 2026-0001")
    await director.tap("Geen bericht")
    seen = await director.tap("Bevestigen")
    assert f"✓ Ingelicht: {LEERPLICHT}" in seen.buttons  # passed on like a correction
    assert "De beperking geldt: bewaar de gegevens, maar gebruik ze verder niet." in seen.text
    assert "Beperking opheffen" in seen.buttons
    await director.tap(f"✓ Ingelicht: {LEERPLICHT}")
    await harness.deliver_outbox()
    assert "De school heeft deze organisaties over de beperking ingelicht:" in (
        inge.messages[-1].text
    )
    assert f"• {LEERPLICHT}" in inge.messages[-1].text

    seen = await teacher.send("/case 2026-0001")
    assert "Beperking opheffen" not in seen.buttons  # deciding is for the head teacher

    await director.send("/case 2026-0001")
    seen = await director.tap("Beperking opheffen")
    assert "voordat de beperking afloopt" in seen.text
    seen = await director.send("Het verzuim is nagekeken en klopt.")
    assert "op maandag 9 november 2026 op: vanaf dan gebruikt zij de gegevens weer" in seen.text
    seen = await director.tap("Bevestigen")
    assert "De ouder heeft bericht gekregen wanneer de beperking afloopt, en waarom." in seen.text
    assert "De beperking loopt af op maandag 9 november 2026" in seen.text
    assert "Beperking opheffen" not in seen.buttons
    assert "opheffen van de beperking aangekondigd" in seen.text

    await harness.deliver_outbox()
    told = inge.messages[-1].text
    for expected in (
        "Uw verzoek 2026-0001",
        "op maandag 9 november 2026 op",
        "Het verzuim is nagekeken en klopt.",
        "AVG art. 18 lid 3",
        "Tot die dag blijft de beperking gelden.",
        "Autoriteit Persoonsgegevens",
    ):
        assert expected in told, expected
    await inge.send("/menu")
    await inge.tap("Mijn verzoeken")
    seen = await inge.tap(inge.last_with_buttons().button_texts[0])
    assert "op maandag 9 november 2026 op" in seen.text
    assert "opheffen van de beperking aangekondigd" in seen.text
    seen = await director.send("/case 2026-0001")
    assert "Beperking opheffen" not in seen.buttons


async def test_a_granted_objection_informs_no_recipients(harness: Harness) -> None:
    director = await linked_director(harness, 7003, "en")
    inge = await linked_parent(harness, 5002, "Inge Mulder", "en")
    await inge.tap("Object")
    await inge.tap("Absence")
    await inge.send("Please stop using this for the group statistics.")
    await inge.tap("Send request")
    await director.send("/resolve 2026-0001")
    await director.tap("No message")
    seen = await director.tap("Confirm")
    assert not any(b.startswith("✓ Informed") for b in seen.buttons)
    assert "Lift the restriction" not in seen.buttons


async def test_a_restriction_lifted_is_told_in_english(harness: Harness) -> None:
    director = await linked_director(harness, 7003, "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("Restrict use")
    await james.tap("Absence")
    await james.send("The absence in October is wrong; do not use it until it is checked.")
    await james.tap("Send request")
    await director.send("/resolve 2026-0001")
    await director.tap("No message")
    await director.tap("Confirm")
    await director.tap(f"✓ Informed: {ATTENDANCE_OFFICER}")
    await harness.deliver_outbox()
    assert f"• {ATTENDANCE_OFFICER}" in james.messages[-1].text
    await director.send("/case 2026-0001")
    await director.tap("Lift the restriction")
    await director.send("The absence has been checked and is right.")
    await director.tap("Confirm")
    await harness.deliver_outbox()
    told = james.messages[-1].text
    for expected in (
        "Your request 2026-0001 (restriction of use)",
        "on Monday, 9 November 2026: from then on it uses the data again as before.",
        "The absence has been checked and is right.",
        "(GDPR (AVG) Art. 18(3)). Until that day the restriction stays in force.",
        "Autoriteit Persoonsgegevens",
    ):
        assert expected in told, expected
