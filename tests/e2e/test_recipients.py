"""AVG art. 19 per recipient: a recipient that never received the data is marked not
applicable, the parent is told only those informed, and the timeline names each."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher

INFORMED = "✓ Ingelicht: {name}"
NOT_APPLICABLE = "{name}: niet van toepassing (heeft dit niet ontvangen)"
SCPO, SUPPLIERS, LEERPLICHT, OCW = (
    "Stichting SCPO-NOP",
    "Leveranciers van digitale leermaterialen",
    "Leerplichtambtenaar van de gemeente",
    "Ministerie van OCW / DUO",
)


async def test_only_the_recipients_informed_are_told_and_each_is_named(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "nl")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await marieke.tap("Gegevens corrigeren")
    await marieke.tap("Contact- en identificatiegegevens")
    await marieke.send("Ons huisnummer is 12, niet 21.")
    await marieke.tap("Verzoek versturen")
    await teacher.send("/resolve 2026-0001")
    await teacher.tap("Geen bericht")
    seen = await teacher.tap("Bevestigen")
    for name in (SCPO, SUPPLIERS, LEERPLICHT, OCW):
        assert INFORMED.format(name=name) in seen.buttons
        assert NOT_APPLICABLE.format(name=name) in seen.buttons
    await teacher.tap(INFORMED.format(name=SCPO))
    await teacher.tap(INFORMED.format(name=SUPPLIERS))
    seen = await teacher.tap(NOT_APPLICABLE.format(name=LEERPLICHT))
    assert seen.text.startswith("Vastgelegd.")
    assert NOT_APPLICABLE.format(name=LEERPLICHT) not in seen.buttons
    seen = await teacher.tap(INFORMED.format(name=OCW))
    assert "Alle ontvangers zijn afgehandeld" in seen.text
    assert f"ingelicht over de wijziging: {SCPO}" in seen.text
    assert f"niet van toepassing, heeft deze gegevens niet ontvangen: {LEERPLICHT}" in seen.text
    assert "een ontvanger is ingelicht" not in seen.text

    await harness.deliver_outbox()
    told = marieke.messages[-1].text
    assert "De school heeft de wijziging doorgegeven aan:" in told
    for name in (SCPO, SUPPLIERS, OCW):
        assert f"• {name}" in told
    assert LEERPLICHT not in told
    await marieke.send("/menu")
    await marieke.tap("Mijn verzoeken")
    seen = await marieke.tap(marieke.last_with_buttons().button_texts[0])
    assert f"ingelicht over de wijziging: {OCW}" in seen.text
    assert LEERPLICHT not in seen.text


async def test_nobody_to_inform_when_no_recipient_received_the_data(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("Correct data")
    await james.tap("Absence")
    await james.send("Zoë was ill on 3 October, not absent.")
    await james.tap("Send request")
    await teacher.send("/resolve 2026-0001")
    await teacher.tap("No message")
    await teacher.tap("Confirm")
    attendance = "School attendance officer (leerplichtambtenaar) of the municipality"
    await teacher.tap(f"{attendance}: not applicable (did not receive this)")
    await harness.deliver_outbox()
    told = james.messages[-1].text
    assert "so there was nobody else to inform of the change" in told
    assert attendance not in told
