"""Double taps and taps again after a restart: one case, the same confirmation, and never a
call that Telegram refuses ("message is not modified")."""

from __future__ import annotations

from bot.emulator import SentMessage
from storage.db import fetch_all
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent


async def _cases(h: Harness) -> list[str]:
    rows = await fetch_all(h.s.db.reader, "SELECT year || '-' || seq FROM cases ORDER BY id")
    return [str(r[0]) for r in rows]


def _data(message: SentMessage, button: str) -> str:
    found = [d for row in message.buttons for t, d in row if t == button and d]
    assert found, (button, message.button_texts)
    return found[0]


async def _double_tap(h: Harness, person: Person, button: str) -> SentMessage:
    """Two taps on the same button before the bot handled the first."""
    target = person.last_with_buttons()
    first, _ = h.fake.tap(person.user, target, button)
    second, _ = h.fake.tap(person.user, target, button)
    await h.wait_processed(first)
    await h.wait_processed(second)
    return target


async def test_send_tapped_twice_and_again_after_a_restart_makes_one_case(
    harness: Harness,
) -> None:
    inge = await linked_parent(harness, 5401, "Inge Mulder", "nl")
    await inge.tap("Gegevens corrigeren")
    await inge.tap(inge.last_with_buttons().button_texts[0])
    await inge.send("Het adres is Dorpsstraat 1")
    summary = inge.last_with_buttons()
    send = _data(summary, "Verzoek versturen")

    await _double_tap(harness, inge, "Verzoek versturen")
    assert await _cases(harness) == ["2026-1"]
    [confirmation] = [
        m for m in harness.fake.messages(inge.id) if m.message_id == summary.message_id
    ]
    assert "Uw verzoek is verstuurd" in confirmation.text and confirmation.edits == 1

    await harness.restart()
    seen = await inge.tap_data(send, summary)
    assert await _cases(harness) == ["2026-1"]
    assert seen.messages == []  # the screen already shows the confirmation: nothing to redo
    assert harness.fake.errors == []


async def test_the_dossier_request_and_consent_confirmed_twice_count_once(
    harness: Harness,
) -> None:
    james = await linked_parent(harness, 5402, "James Whitfield", "en")
    await james.tap("What the school records")
    await james.tap("Request a copy of the dossier")
    await james.tap("In this chat")
    await _double_tap(harness, james, "Send request")
    assert await _cases(harness) == ["2026-1"]
    assert "Request number: 2026-0001" in james.last_with_buttons().text

    await james.tap("« Back to the menu")
    await james.tap("Photo consent")
    await _double_tap(harness, james, james.last_with_buttons().button_texts[0])
    await james.tap("Review my changes")
    await _double_tap(harness, james, "Confirm")
    assert await _cases(harness) == ["2026-1", "2026-2"]
    ledger = await fetch_all(harness.s.db.reader, "SELECT purpose FROM consent_ledger")
    assert len(ledger) == 1
    assert (
        "the teacher has been asked to act on it (change 2026-0002"
        in james.last_with_buttons().text
    )


async def test_menu_buttons_tapped_twice_make_no_refused_call(harness: Harness) -> None:
    marieke = await linked_parent(harness, 5403, "Marieke de Jong", "nl")
    for button in ("Privacy-informatie", "« Terug naar het menu", "Mijn verzoeken"):
        await _double_tap(harness, marieke, button)
        assert harness.fake.errors == []
    assert harness.fake.unanswered_callback_queries() == []
