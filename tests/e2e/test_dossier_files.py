"""Only PDF files and images go to a parent as the copy of the dossier: anything else, an
empty file or one over Telegram's 50 MB is refused with a clear line, and a name never
hides its real type behind bidi characters."""

from __future__ import annotations

import pytest

from bot.domain.dossier_files import MAX_BYTES
from bot.domain.staff_base import StaffActor
from storage import audit_events, case_work
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import LABELS, linked_parent
from tests.e2e.helpers import linked_staff as staff

PDF = "application/pdf"

REFUSED = {
    "nl": {
        "type": "alleen pdf-bestanden en afbeeldingen",
        "no_name": "Dit bestand heeft geen naam",
        "empty": "is leeg",
        "too_large": "groter dan 50 MB",
        "not_added": "niet toegevoegd",
        "photo": "foto",
        "added": "Toegevoegd",
    },
    "en": {
        "type": "only PDF files and images",
        "no_name": "This file has no name",
        "empty": "is empty",
        "too_large": "larger than 50 MB",
        "not_added": "not added",
        "photo": "photo",
        "added": "Added",
    },
}

BAD: list[tuple[str | None, str, int | None, str]] = [
    ("setup.exe", "application/x-msdownload", 4000, "type"),
    ("setup.exe", PDF, 4000, "type"),
    ("dossier.html", "text/html", 4000, "type"),
    ("dossier.pdf", "text/html", 4000, "type"),
    ("logo.svg", "image/svg+xml", 4000, "type"),
    ("dossier\u202efdp.exe", PDF, 4000, "type"),
    ("leeg.pdf", PDF, 0, "empty"),
    ("groot.pdf", PDF, MAX_BYTES + 1, "too_large"),
    (None, PDF, 4000, "no_name"),
]


async def _attaching(h: Harness, language: str, guardian: str) -> tuple[Person, Person]:
    t = LABELS[language]
    teacher = await staff(h, 7001, "Anna de Wit", "teacher", ["3"], language)
    parent = await linked_parent(h, 5001, guardian, language)
    await parent.tap(t["see"])
    await parent.tap(t["copy"])
    await parent.tap(t["chat"])
    await parent.tap(t["send"])
    await teacher.send("/case 2026-0001")
    await teacher.tap(t["attach"])
    return teacher, parent


@pytest.mark.parametrize(
    ("language", "guardian"), [("nl", "Marieke de Jong"), ("en", "James Whitfield")]
)
async def test_only_pdf_and_images_are_attached_and_sent(
    harness: Harness, language: str, guardian: str
) -> None:
    t, said = LABELS[language], REFUSED[language]
    teacher, parent = await _attaching(harness, language, guardian)
    for name, mime, size, problem in BAD:
        seen = await teacher.do(
            lambda u, n=name, m=mime, s=size: harness.fake.send_document(  # type: ignore[misc]
                u, n, m, file_size=s
            )
        )
        assert said[problem] in seen.text, (name, seen.text)
        assert said["not_added"] in seen.text
        assert said["added"] not in seen.text
        assert "\u202e" not in seen.text
        assert f"{said['added']}: {said['photo']}" not in seen.text  # a nameless file
    assert await case_work.attachments(harness.s.db.reader, 1) == []
    refusals = [
        e.details
        async for e in audit_events.iterate(harness.s.db.reader)
        if e.action == "staff.refused"
    ]
    assert len(refusals) == len(BAD)

    # The step still waits for the copy: a real PDF and a photo are added.
    seen = await teacher.do(lambda u: harness.fake.send_document(u, "dossier-zoe.pdf", PDF))
    assert f"{said['added']}: dossier-zoe.pdf" in seen.text
    seen = await teacher.do(lambda u: harness.fake.send_photo(u))
    assert f"{said['added']}: {said['photo']}" in seen.text
    await teacher.tap(t["answer"])
    await teacher.send("Hierbij het dossier.")
    await teacher.tap(t["confirm"])
    await harness.deliver_outbox()
    documents = [m.document for m in parent.messages if m.document is not None]
    assert [d[0] for d in documents] == ["dossier-zoe.pdf"]
    assert len([m for m in parent.messages if m.photo is not None]) == 1


async def test_a_shown_name_loses_its_bidi_characters(harness: Harness) -> None:
    teacher, _parent = await _attaching(harness, "nl", "Marieke de Jong")
    seen = await teacher.do(
        lambda u: harness.fake.send_document(u, "rapport\u202e\u2066 groep 3.pdf", PDF)
    )
    assert "Toegevoegd: rapport groep 3.pdf" in seen.text
    seen = await teacher.send("/case 2026-0001")
    assert "\u202e" not in seen.text and "\u2066" not in seen.text


async def test_a_document_stored_without_a_name_is_not_called_a_photo(harness: Harness) -> None:
    """Documents attached before names were required keep no name: the case screen does not
    call them a photo."""
    teacher, _parent = await _attaching(harness, "nl", "Marieke de Jong")
    await harness.s.staff_cases.attach(StaffActor(teacher.id), 1, "document", "BQAC-old", None)
    await harness.s.staff_cases.attach(StaffActor(teacher.id), 1, "photo", "AgAC-old", None)
    seen = await teacher.send("/case 2026-0001")
    assert "– document zonder naam\n  – foto" in seen.text
