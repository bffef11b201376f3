"""/language, /privacy, /forgetme and /help for a linked parent."""

from __future__ import annotations

from storage import accounts, audit_events
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent


async def test_switching_language_changes_every_later_message(harness: Harness) -> None:
    inge = await linked_parent(harness, 5101, "Inge Mulder", "nl")
    seen = await inge.send("/language")
    assert "In welke taal" in seen.text
    seen = await inge.tap("English")
    assert "I will write to you in English" in seen.text
    seen = await inge.send("/help")
    assert "/menu – the main menu" in seen.text
    seen = await inge.send("/menu")
    seen = await inge.tap("Language / Taal")
    seen = await inge.tap("Nederlands")
    assert "Ik schrijf u voortaan in het Nederlands" in seen.text
    account = await accounts.get(harness.s.db.reader, inge.id)
    assert account is not None and account.language == "nl"


async def test_privacy_information_comes_from_the_register(harness: Harness) -> None:
    james = await linked_parent(harness, 5102, "James Whitfield", "en")
    seen = await james.tap("Privacy information")
    assert "Privacy at cbs Klimop" in seen.text
    assert "Religion" in seen.text or "religion" in seen.text
    assert "voluntary" in seen.text
    assert "Autoriteit Persoonsgegevens" in seen.text
    assert "ParnasSys" in seen.text
    seen = await james.tap("« Back to the menu")
    assert "Zoë de Jong" in seen.text

    stranger = harness.person(5103, "Stranger", "nl")
    seen = await stranger.send("/privacy")
    assert "Privacy bij cbs Klimop" in seen.text
    assert "Uw rechten" in seen.text


async def test_forgetme_unlinks_after_confirmation_and_keeps_the_record(
    harness: Harness,
) -> None:
    inge = await linked_parent(harness, 5104, "Inge Mulder", "nl")
    seen = await inge.send("/forgetme")
    assert "Wilt u dit account ontkoppelen?" in seen.text
    seen = await inge.tap("Nee, gekoppeld laten")
    assert "Er is niets veranderd" in seen.text
    assert await harness.s.accounts.profile(inge.id) is not None

    await inge.send("/forgetme")
    seen = await inge.tap("Ja, account ontkoppelen")
    assert "niet meer gekoppeld" in seen.text
    assert await accounts.get(harness.s.db.reader, inge.id) is None
    actions = [e.action async for e in audit_events.iterate(harness.s.db.reader)]
    assert "account.linked" in actions and actions[-1] == "account.forgotten"

    seen = await inge.send("/menu")
    assert "nog niet aan een school gekoppeld" in seen.text
    seen = await inge.send("/forgetme")
    assert "Aan dit Telegram-account is niets gekoppeld" in seen.text


async def test_cancel_stops_onboarding(harness: Harness) -> None:
    visitor = harness.person(5105, "Visitor", "nl")
    await visitor.send("/start")
    seen = await visitor.send("/cancel")
    assert "Gestopt" in seen.text
    seen = await visitor.send("ABCDE")
    assert "Gebruik de knoppen" in seen.text or "nog niet aan een school" in seen.text


async def test_help_before_and_after_linking(harness: Harness) -> None:
    visitor = harness.person(5106, "Visitor", "en")
    seen = await visitor.send("/help")
    assert "/start – link this account" in seen.text
    assert "/forgetme" not in seen.text
    parent = await linked_parent(harness, 5107, "Anouk Smit", "en")
    seen = await parent.send("/help")
    assert "/forgetme – unlink this Telegram account" in seen.text
