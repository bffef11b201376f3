"""Bot chats are not end-to-end encrypted: before asking for the copy of the dossier the
parent chooses how to receive it (in the bot, at school, by e-mail from the school), staff
see the choice, and the answer follows it."""

from __future__ import annotations

from storage import cases
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher


async def test_a_copy_to_collect_at_school(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("What the school records")
    seen = await james.tap("Request a copy of the dossier")
    assert "chats with a bot are not end-to-end encrypted" in seen.text
    assert seen.buttons == [
        "In this chat",
        "Collect at school",
        "By e-mail from the school",
        "Cancel",
    ]
    seen = await james.tap("Collect at school")
    assert "How you receive it: you collect it at the school." in seen.text
    await james.tap("Send request")
    await harness.deliver_outbox()
    assert "The parent collects the copy at the school" in teacher.messages[-1].text

    seen = await teacher.send("/take 2026-0001")
    assert "The parent collects the copy at the school" in seen.text
    assert "Attach copy" not in seen.buttons
    seen = await teacher.tap("Answer and close")
    assert "Type a short message to the parent" in seen.text
    seen = await teacher.tap("No message")
    assert "The parent collects the copy at the school" in seen.text
    await teacher.tap("Confirm")
    await harness.deliver_outbox()
    told = james.messages[-1].text
    assert (
        "The copy of the dossier is ready: you can collect it at the school (cbs Klimop, "
        "info@cbsklimop.example" in told
    )
    await james.send("/menu")
    await james.tap("My requests")
    seen = await james.tap(james.last_with_buttons().button_texts[0])
    assert "How you receive it: you collect it at the school." in seen.text


async def test_a_copy_by_e_mail_from_the_school(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "nl")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await marieke.tap("Wat de school vastlegt")
    await marieke.tap("Kopie van het dossier aanvragen")
    seen = await marieke.tap("Per e-mail van de school")
    assert (
        "Zo ontvangt u hem: per e-mail van de school, naar marieke.dejong@mail.example."
        in seen.text
    )
    await marieke.tap("Verzoek versturen")
    seen = await teacher.send("/take 2026-0001")
    assert "op marieke.dejong@mail.example" in seen.text
    await teacher.tap("Beantwoorden en afsluiten")
    await teacher.send("De kopie is verstuurd; het wachtwoord van de pdf krijgt u per sms.")
    await teacher.tap("Bevestigen")
    await harness.deliver_outbox()
    told = marieke.messages[-1].text
    assert (
        "De school heeft de kopie van het dossier per e-mail naar "
        "marieke.dejong@mail.example gestuurd." in told
    )
    assert "het wachtwoord van de pdf" in told


async def test_no_e_mail_without_an_address_and_the_copy_in_the_bot_warns_staff(
    harness: Harness,
) -> None:
    async with harness.s.db.transaction() as conn:
        await conn.execute("UPDATE guardians SET email = '' WHERE name = 'Inge Mulder'")
    teacher = await linked_teacher(harness, 7001, ["1"], "nl")
    inge = await linked_parent(harness, 5003, "Inge Mulder", "nl")
    await inge.tap("Wat de school vastlegt")
    seen = await inge.tap("Kopie van het dossier aanvragen")
    assert "Per e-mail van de school" not in seen.buttons
    assert "De school heeft geen e-mailadres van u" in seen.text
    # A forged e-mail choice leads back to the choice, and sends nothing.
    assert harness.app is not None
    codec = harness.app.bot_data["codec"]
    profile = await harness.s.accounts.profile(inge.id)
    assert profile is not None
    child = profile.children[0].id
    seen = await inge.tap_data(codec.encode(inge.id, "accok", child, "k1", "email"))
    assert "Uw verzoek is verstuurd" not in seen.text  # the same choice again, or nothing
    assert await cases.get(harness.s.db.reader, 1) is None
    await inge.tap("In dit gesprek")
    await inge.tap("Verzoek versturen")
    seen = await teacher.send("/take 2026-0001")
    assert "De ouder ontvangt de kopie in dit gesprek" in seen.text
    seen = await teacher.tap("Kopie toevoegen")
    assert "Haal eerst de gegevens van andere kinderen weg" in seen.text
    assert "De kopie gaat alleen over Sem (AVG art. 15 lid 4)." in seen.text
