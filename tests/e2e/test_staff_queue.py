"""The staff menu, command lists per chat, and the queue: order, filters and pages."""

from __future__ import annotations

from bot.domain.model import Actor, Kind
from bot.emulator import SentMessage
from bot.emulator.server import MAX_MESSAGE_LENGTH
from tests.domain_helpers import student_id
from tests.e2e.harness import Harness, Seen
from tests.e2e.helpers import linked_parent, linked_staff


async def test_staff_get_their_menu_and_commands_and_parents_keep_theirs(
    harness: Harness,
) -> None:
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "en")
    parent = await linked_parent(harness, 5001, "James Whitfield", "en")
    scoped = harness.fake.commands({"type": "chat", "chat_id": teacher.id})
    assert {"queue", "case", "take", "resolve", "menu"} <= {c["command"] for c in scoped}
    default = {c["command"] for c in harness.fake.commands()}
    assert "queue" not in default and "menu" in default
    assert harness.fake.commands({"type": "chat", "chat_id": parent.id}) == []
    await teacher.send("/language")
    await teacher.tap("Nederlands")
    scoped = harness.fake.commands({"type": "chat", "chat_id": teacher.id})
    assert any(c["description"] == "Mijn openstaande verzoeken" for c in scoped)
    await teacher.send("/language")
    await teacher.tap("English")
    seen = await teacher.send("/menu")
    assert "My queue" in seen.buttons and "What the school records" not in seen.buttons
    seen = await teacher.send("/help")
    assert "/queue" in seen.text
    seen = await parent.send("/queue")
    assert "only for school staff" in seen.text
    seen = await teacher.send("/take")
    assert "/take 2026-0042" in seen.text
    seen = await teacher.send("/take 12345")
    assert "I do not know request 12345" in seen.text

    officer = await linked_staff(harness, 7004, "F. Gee", "privacy_officer", [], "en")
    await parent.tap("What the school records")
    await parent.tap("Request a copy of the dossier")
    await parent.tap("In this chat")
    await parent.tap("Send request")
    seen = await officer.tap("Requests in numbers")
    assert "copy of the dossier · received: 1" in seen.text and "Zoë" not in seen.text
    seen = await officer.send("/case 2026-0001")
    assert "Zoë" not in seen.text and "cannot" in seen.text


async def test_the_director_pages_through_every_open_request(harness: Harness) -> None:
    director = await linked_staff(harness, 7003, "J. de Vries", "director", [], "nl")
    await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    profile = await harness.s.accounts.profile(5001)
    assert profile is not None
    marieke = Actor(5001, profile.guardian_ids)
    zoe = await student_id(harness.s.db.reader, "L1001")
    for _ in range(22):
        await harness.s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    harness.clock.advance(days=20)
    await harness.s.cases.submit(
        marieke, student_id=zoe, kind=Kind.ERASURE, details={"categories": ["progress"]}
    )
    harness.clock.advance(days=15)
    seen = await director.send("/queue all")
    assert "Pagina 1 van 3" in seen.text
    assert len(seen.text) < MAX_MESSAGE_LENGTH
    lines = [line for line in seen.text.splitlines() if line.startswith("• ")]
    assert len(lines) == 10 and "te laat" in lines[0]
    seen = await director.tap("Volgende »", _with(seen, "Volgende »"))
    assert "Pagina 2 van 3" in seen.text
    seen = await director.tap("Volgende »", _with(seen, "Volgende »"))
    assert "Pagina 3 van 3" in seen.text and "verwijdering" in seen.text
    seen = await director.send("/queue erasure")
    assert "2026-0023" in seen.text and "2026-0001" not in seen.text
    seen = await director.send("/queue overdue")
    assert "2026-0023" not in seen.text and "2026-0001" in seen.text
    seen = await director.send("/queue everything")
    assert "/queue all" in seen.text
    seen = await director.send("/queue")
    # No teacher uses the bot, so every request went to the director.
    assert "Mijn werklijst" in seen.text and "Pagina 1 van 3" in seen.text


def _with(seen: Seen, button: str) -> SentMessage:
    """The queue page among what was seen (alerts with their own button may arrive too)."""
    return next(m for m in reversed(seen.messages) if button in m.button_texts)
