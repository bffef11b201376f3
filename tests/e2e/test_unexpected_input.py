"""Whatever a person types or taps where something else was expected: a short, translated
hint, every button answered, and nothing changes."""

from __future__ import annotations

from storage import accounts, audit_events
from tests.e2e.harness import Harness
from tests.e2e.helpers import guardian_code, linked_parent


async def test_media_and_stickers_get_a_hint_everywhere(harness: Harness) -> None:
    fake = harness.fake
    visitor = harness.person(5201, "Visitor", "nl")
    seen = await visitor.do(fake.send_photo)
    assert "alleen getypte tekst" in seen.text
    await visitor.send("/start")
    for send in (fake.send_photo, fake.send_sticker, fake.send_voice, fake.send_document):
        seen = await visitor.do(send)
        assert "Ik kan hier alleen getypte tekst lezen" in seen.text
    # Still waiting for the code: a real code works after all that.
    seen = await visitor.send(await guardian_code(harness, "Inge Mulder"))
    assert "geboortedatum" in seen.text
    seen = await visitor.do(fake.send_sticker)
    assert "Ik kan hier alleen getypte tekst lezen" in seen.text
    seen = await visitor.send("09-03-2022")
    assert "uw account is gekoppeld" in seen.text
    # Text where a language button is expected.
    seen = await visitor.send("Nederlands graag")
    assert "Kies een taal met een van de knoppen" in seen.text
    assert seen.buttons == ["Nederlands", "English"]
    seen = await visitor.do(fake.send_photo)
    assert "Kies een taal" in seen.text


async def test_unknown_commands_long_text_html_and_emoji(harness: Harness) -> None:
    parent = await linked_parent(harness, 5202, "Anouk Smit", "en")
    seen = await parent.send("/frobnicate")
    assert "I do not know that command" in seen.text
    for text in [
        "x" * 5000,
        "<b>bold</b> & <script>alert(1)</script>",
        "😀🎉👨‍👩‍👧",
        "\u202e\u0000",
    ]:
        seen = await parent.send(text)
        assert "Please use the buttons of the menu below." in seen.text
        assert "Thijs Smit" in seen.text  # and the menu is shown again
    profile = await harness.s.accounts.profile(parent.id)
    assert profile is not None and [c.first_name for c in profile.children] == ["Thijs"]


async def test_a_long_or_hostile_code_attempt_costs_nothing(harness: Harness) -> None:
    visitor = harness.person(5203, "Visitor", "en")
    await visitor.send("/start")
    for text in ["x" * 5000, "<b>ABCDE</b>", "😀" * 26, "/start"]:
        seen = await visitor.send(text)
        assert seen.messages
    seen = await visitor.send(await guardian_code(harness, "Jelle Hoekstra"))
    assert "date of birth" in seen.text  # no backoff from the junk above
    seen = await visitor.send("<i>" + "9" * 4990)
    assert "could not read that as a date" in seen.text


async def test_stale_and_forged_buttons_are_refused_and_recorded(harness: Harness) -> None:
    parent = await linked_parent(harness, 5204, "Inge Mulder", "en")
    old_menu = parent.last_with_buttons()
    await parent.send("/menu")  # a newer menu: the old one is stale now
    seen = await parent.tap("Language / Taal", old_menu)
    assert "Sem Mulder" in seen.text  # the current menu is shown again
    answers = [c.params.get("text") for c in harness.fake.calls_to("answerCallbackQuery")]
    assert "This button no longer works." in answers

    current = parent.last_with_buttons()
    forged = current.buttons[0][0][1]
    assert forged is not None
    for data in [
        "forget:yes~AAAAAAAA",
        forged[:-1] + ("A" if forged[-1] != "A" else "B"),
        "x" * 64,
        "privacy",
    ]:
        seen = await parent.tap_data(data, current)
        assert "Sem Mulder" in seen.text
    assert await accounts.get(harness.s.db.reader, parent.id) is not None
    refused = [
        e
        for e in [e async for e in audit_events.iterate(harness.s.db.reader)]
        if e.action == "button.refused"
    ]
    assert {'{"reason":"stale"}', '{"reason":"forged"}'} <= {e.details for e in refused}


async def test_someone_elses_button_data_does_not_work(harness: Harness) -> None:
    inge = await linked_parent(harness, 5205, "Inge Mulder", "nl")
    await inge.send("/forgetme")
    yes = next(d for t, d in inge.last_with_buttons().buttons[0] if t.startswith("Ja"))
    assert yes is not None
    anouk = await linked_parent(harness, 5206, "Anouk Smit", "nl")
    seen = await anouk.tap_data(yes, anouk.last_with_buttons())
    assert "Thijs Smit" in seen.text
    assert await harness.s.accounts.profile(anouk.id) is not None
    assert await harness.s.accounts.profile(inge.id) is not None


async def test_the_command_menu_is_published_in_both_languages(harness: Harness) -> None:
    dutch = {c["command"]: c["description"] for c in harness.fake.commands(language_code="nl")}
    english = {c["command"]: c["description"] for c in harness.fake.commands(language_code="en")}
    assert dutch["privacy"] == "Hoe de school met persoonsgegevens omgaat"
    assert english["privacy"] == "How the school handles personal data"
    assert (
        set(dutch) == set(english) == {"menu", "privacy", "language", "help", "forgetme", "cancel"}
    )
