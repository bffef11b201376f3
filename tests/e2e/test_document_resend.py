"""'Send the documents again': five quick taps send the documents once; one resend of a
request at a time, and at most one a minute."""

from __future__ import annotations

import pytest

from storage import audit_events
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import LABELS, linked_parent
from tests.e2e.helpers import linked_staff as staff

DOCUMENTS = 30


async def _delivered_access_request(h: Harness, language: str, guardian: str) -> Person:
    t = LABELS[language]
    teacher = await staff(h, 7001, "Anna de Wit", "teacher", ["3"], language)
    parent = await linked_parent(h, 5001, guardian, language)
    await parent.tap(t["see"])
    await parent.tap(t["copy"])
    await parent.tap(t["chat"])
    await parent.tap(t["send"])
    await teacher.send("/case 2026-0001")
    await teacher.tap(t["attach"])
    for n in range(1, DOCUMENTS + 1):
        await teacher.do(lambda u, n=n: h.fake.send_document(u, f"pagina-{n:02d}.pdf"))  # type: ignore[misc]
    await teacher.tap(t["answer"])
    await teacher.send("Hierbij het dossier.")
    await teacher.tap(t["confirm"])
    await h.deliver_outbox()
    return parent


def _documents_to(h: Harness, chat_id: int) -> int:
    return len([c for c in h.fake.calls_to("sendDocument") if c.params.get("chat_id") == chat_id])


async def _open_request(parent: Person, language: str) -> None:
    t = LABELS[language]
    await parent.send("/menu")
    await parent.tap(t["my"])
    await parent.tap(parent.last_with_buttons().button_texts[0])


SAID = {
    "nl": {
        "queued": f"De {DOCUMENTS} documenten volgen in de volgende berichten.",
        "busy": "De documenten zijn al onderweg naar u.",
        "soon": "De documenten zijn u zojuist gestuurd. U kunt ze over 60 seconden opnieuw",
    },
    "en": {
        "queued": f"The {DOCUMENTS} documents follow in the next messages.",
        "busy": "The documents are already on their way to you.",
        "soon": "The documents were sent to you a moment ago. You can ask for them again in 60",
    },
}


@pytest.mark.parametrize(
    ("language", "guardian"), [("nl", "Marieke de Jong"), ("en", "James Whitfield")]
)
async def test_five_quick_taps_send_the_documents_once(
    harness: Harness, language: str, guardian: str
) -> None:
    t, said = LABELS[language], SAID[language]
    parent = await _delivered_access_request(harness, language, guardian)
    assert _documents_to(harness, parent.id) == DOCUMENTS
    harness.manual_outbox()
    await _open_request(parent, language)
    screen = parent.last_with_buttons()
    before = len(parent.messages)
    # Five taps within a moment: all reach the bot before any document has gone out.
    taps = [harness.fake.tap(parent.user, screen, t["again"])[0] for _ in range(5)]
    for update_id in taps:
        await harness.wait_processed(update_id)
    replies = [m.text for m in parent.messages[before:]]
    assert replies == [said["queued"]] + [said["busy"]] * 4
    await harness.deliver_outbox()
    assert _documents_to(harness, parent.id) == 2 * DOCUMENTS

    # Everything is out; a minute has not passed.
    seen = await parent.tap(t["again"], screen)
    assert said["soon"] in seen.text
    await harness.deliver_outbox()
    assert _documents_to(harness, parent.id) == 2 * DOCUMENTS

    harness.clock.advance(minutes=1)
    seen = await parent.tap(t["again"], screen)
    assert said["queued"] in seen.text
    await harness.deliver_outbox()
    assert _documents_to(harness, parent.id) == 3 * DOCUMENTS
    resent = [
        e
        async for e in audit_events.iterate(harness.s.db.reader)
        if e.action == "case.documents_resent"
    ]
    assert len(resent) == 2


async def test_another_familys_resend_is_refused(harness: Harness) -> None:
    parent = await _delivered_access_request(harness, "en", "James Whitfield")
    other = await linked_parent(harness, 5002, "Inge Mulder", "en")
    assert harness.app is not None
    data = harness.app.bot_data["codec"].encode(other.id, "docs", 1)
    await other.send("/menu")
    seen = await other.tap_data(data, other.last_with_buttons())
    assert "That is not possible from this account." in seen.text
    await harness.deliver_outbox()
    assert _documents_to(harness, other.id) == 0
    assert _documents_to(harness, parent.id) == DOCUMENTS


async def test_no_resend_while_the_first_delivery_is_still_going_out(harness: Harness) -> None:
    t = LABELS["en"]
    teacher = await staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "en")
    parent = await linked_parent(harness, 5001, "James Whitfield", "en")
    await parent.tap(t["see"])
    await parent.tap(t["copy"])
    await parent.tap(t["chat"])
    await parent.tap(t["send"])
    await teacher.send("/case 2026-0001")
    await teacher.tap(t["attach"])
    await teacher.do(lambda u: harness.fake.send_document(u, "dossier.pdf"))
    harness.manual_outbox()
    await teacher.tap(t["answer"])
    await teacher.send("Here it is.")
    await teacher.tap(t["confirm"])
    await _open_request(parent, "en")
    seen = await parent.tap(t["again"])
    assert SAID["en"]["busy"] in seen.text
    await harness.deliver_outbox()
    assert _documents_to(harness, parent.id) == 1
