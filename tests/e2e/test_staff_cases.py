"""Staff handle a case in the bot, and the parent hears back at each step."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import LABELS, linked_parent, linked_staff


async def _access_case_with_a_document(harness: Harness, language: str, guardian: str) -> None:
    t = LABELS[language]
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], language)
    parent = await linked_parent(harness, 5001, guardian, language)
    await parent.tap(t["see"])
    await parent.tap(t["copy"])
    await parent.tap(t["chat"])
    seen = await parent.tap(t["send"])
    assert "2026-0001" in seen.text
    await harness.deliver_outbox()
    assert "2026-0001" in teacher.messages[-1].text

    seen = await teacher.send("/queue")
    assert "2026-0001" in seen.text and "Zoë" in seen.text
    seen = await teacher.tap("2026-0001 · Zoë")
    assert t["take"] in seen.buttons and t["attach"] in seen.buttons
    seen = await teacher.tap(t["take"])
    await harness.deliver_outbox()
    taken = parent.messages[-1].text
    assert "2026-0001" in taken
    assert "Anna" not in taken

    await teacher.tap(t["note"])
    seen = await teacher.send("Dossier <opgevraagd> bij de administratie")
    assert "Dossier <opgevraagd> bij de administratie" in seen.text

    seen = await teacher.tap(t["attach"])
    seen = await teacher.do(lambda u: harness.fake.send_document(u, "dossier-zoe.pdf"))
    assert "dossier-zoe.pdf" in seen.text
    seen = await teacher.do(lambda u: harness.fake.send_photo(u))
    assert "2" in seen.text
    await teacher.tap(t["answer"])
    await teacher.send("Hierbij het dossier. / Here is the file.")
    seen = await teacher.tap(t["confirm"])
    assert "2026-0001" in seen.text
    assert harness.s is not None
    await harness.deliver_outbox()
    delivered = parent.messages[-3:]
    assert "Hierbij het dossier." in delivered[0].text
    assert delivered[1].document is not None and delivered[1].document[0] == "dossier-zoe.pdf"
    assert delivered[2].photo is not None
    assert delivered[1].caption is not None and "2026-0001" in delivered[1].caption
    assert delivered[1].button_texts == [] and delivered[2].button_texts == [t["received"]]
    seen = await parent.tap(t["received"], delivered[2])
    assert delivered[2].button_texts == [] and seen.messages

    await parent.send("/menu")
    await parent.tap(t["my"])
    seen = await parent.tap(parent.last_with_buttons().button_texts[0])
    assert "Hierbij het dossier." in seen.text
    assert "Dossier" not in seen.text.replace("Hierbij het dossier", "")  # the note stays internal
    assert t["received"] not in seen.buttons
    before = len(parent.messages)
    await parent.tap(t["again"])
    await harness.deliver_outbox()
    again = parent.messages[before:]
    assert len(again) == 3 and again[1].document is not None and again[2].photo is not None

    seen = await teacher.send("/case 2026-0001")
    assert "Dossier &lt;opgevraagd&gt;" not in seen.text
    assert "Dossier <opgevraagd> bij de administratie" in seen.text
    assert t["answer"] not in seen.buttons


async def test_an_access_case_with_a_document_in_english(harness: Harness) -> None:
    await _access_case_with_a_document(harness, "en", "James Whitfield")


async def test_an_access_case_with_a_document_in_dutch(harness: Harness) -> None:
    await _access_case_with_a_document(harness, "nl", "Marieke de Jong")


async def test_a_document_sent_in_reply_to_the_request_is_attached(harness: Harness) -> None:
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "en")
    parent = await linked_parent(harness, 5001, "James Whitfield", "en")
    await parent.tap("What the school records")
    await parent.tap("Request a copy of the dossier")
    await parent.tap("In this chat")
    await parent.tap("Send request")
    screen = (await teacher.send("/case 2026-0001")).last
    await teacher.send("/queue")
    seen = await teacher.do(lambda u: harness.fake.send_document(u, "page-1.pdf", reply_to=screen))
    assert "page-1.pdf" in seen.text and "1" in seen.text
    seen = await teacher.do(lambda u: harness.fake.send_sticker(u))
    assert "page-1.pdf" not in seen.text
    seen = await teacher.send("/case 2026-0001")
    assert "page-1.pdf" in seen.text
