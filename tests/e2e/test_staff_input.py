"""What staff type is limited, never cut, escaped; anything else is refused gently."""

from __future__ import annotations

import functools

from bot.emulator import FakeGroup
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_staff, request_correction, staff_code
from tests.raw_database import stored_bytes


async def test_a_message_to_the_parent_is_limited_escaped_and_confirmed(harness: Harness) -> None:
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "nl")
    parent = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await request_correction(parent)
    await teacher.send("/resolve 2026-0001")
    seen = await teacher.do(lambda u: harness.fake.send_sticker(u))
    assert "als tekst" in seen.text
    seen = await teacher.send("x" * 5000)
    assert "5.000" in seen.text and "1.000" in seen.text
    message = "<b>Klaar</b> & tot ziens 😀\nGroet, juf Anna"
    seen = await teacher.send(message)
    assert message in seen.text
    await teacher.tap("Bevestigen")
    await harness.deliver_outbox()
    assert message in parent.messages[-1].text
    seen = await teacher.tap("Bevestigen", teacher.messages[-3])
    assert "Beantwoorden" not in " ".join(seen.buttons)


async def test_staff_commands_in_a_group_chat_show_no_case(harness: Harness) -> None:
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "nl")
    group = FakeGroup(-1001, "Team", "group")
    for text in ("/queue", "/case 2026-0001", "/consents", "/digest"):
        send = functools.partial(harness.fake.send_text, teacher.user, text, group=group)
        await harness.run(teacher.user, send)
    said = [m.text for m in harness.fake.messages(group.id)]
    assert len(said) <= 1  # at most the one line pointing to a private chat
    assert all("2026-" not in t and "groep 3" not in t for t in said)


async def test_notes_and_messages_are_not_stored_in_plain_text(harness: Harness) -> None:
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "nl")
    parent = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await request_correction(parent)
    await teacher.send("/note 2026-0001")
    await teacher.send("Notitie over Kerkstraat 12")
    await teacher.send("/resolve 2026-0001")
    await teacher.send("Bericht over Molenweg 3")
    await teacher.tap("Bevestigen")
    assert harness.app is not None
    await harness.app.update_persistence()
    content = stored_bytes(harness.s)
    for secret in ("Kerkstraat", "Molenweg"):
        assert secret.encode() not in content


async def test_a_parent_who_is_also_staff_sees_both_menus(harness: Harness) -> None:
    parent = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    seen = await parent.send(
        f"/start {await staff_code(harness, 'Marieke de Jong', 'teacher', ['5'])}"
    )
    for button in ("Wat de school vastlegt", "Mijn verzoeken", "Mijn werklijst"):
        assert button in seen.buttons
    assert "leerkracht van groep 5" in seen.text
