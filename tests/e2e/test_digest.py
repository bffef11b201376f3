"""The head teacher's digest and the reminders, as they arrive in Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, staff_code


async def test_a_request_left_alone_is_reminded_and_the_director_gets_the_digest(
    harness: Harness,
) -> None:
    h = harness
    h.manual_outbox()
    teacher = h.person(7001, "Anna", "nl")
    await teacher.send(f"/start {await staff_code(h, 'Anna de Wit', 'teacher', ['3'])}")
    director = h.person(7002, "Jolanda", "en")
    await director.send(f"/start {await staff_code(h, 'J. de Vries', 'director', [])}")
    marieke = await linked_parent(h, 5001, "Marieke de Jong")
    await marieke.tap("Wat de school vastlegt")
    await marieke.tap("Kopie van het dossier aanvragen")
    await marieke.tap("In dit gesprek")
    await marieke.tap("Verzoek versturen")
    await h.deliver_outbox()

    h.clock.moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00, 7 days before
    await h.run_scheduled()
    reminder_message = teacher.messages[-1]
    reminder = reminder_message.text
    assert reminder_message.button_texts == ["Verzoek 2026-0001 openen"]
    assert "Herinnering: verzoek 2026-0001 (kopie van het dossier, Zoë, groep 3)" in reminder
    assert "moet uiterlijk woensdag 2 december 2026 zijn afgehandeld: nog 7 dagen" in reminder
    digest = director.messages[-1].text
    assert "Privacy digest cbs Klimop, Wednesday, 25 November 2026" in digest
    # The school's first digest covers everything since its set-up on 2 November.
    assert "Since 2 November 2026 at 10:00." in digest
    assert "New requests: 1\n• copy of the dossier: 1 (2026-0001)" in digest
    assert "• Anna de Wit: 1" in digest

    count = len(teacher.messages), len(director.messages)
    await h.run_scheduled()  # woken again the same morning: nothing new
    assert (len(teacher.messages), len(director.messages)) == count

    # The reminder's button opens the request as a new message, also later.
    await teacher.send("/menu")
    opened = await teacher.tap("Verzoek 2026-0001 openen", reminder_message)
    assert opened.last.message_id != reminder_message.message_id
    assert "Verzoek 2026-0001: kopie van het dossier" in opened.last.text
    still = next(m for m in teacher.messages if m.message_id == reminder_message.message_id)
    assert still.text == reminder  # the reminder itself stays as it was

    seen = await director.send("/digest")
    assert (
        "Privacy digest cbs Klimop" in seen.text
        and "Open: 1 (1 not picked up yet, 0 being handled)" in seen.text
    )
    refused = await marieke.send("/digest")
    assert refused.text == "Het overzicht is voor de directeur van een school."
    assert "2026-0001" not in refused.text
