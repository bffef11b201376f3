"""Every case kind handled by staff in Dutch and English: the parent's notices and My
requests after each step."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent, linked_staff

L = {
    "en": {
        "correct": "Correct data",
        "delete": "Delete data",
        "absence": "Absence",
        "religion": "Religion",
        "progress": "Progress and marks",
        "next": "Next",
        "send": "Send request",
        "take": "Take on",
        "answer": "Answer and close",
        "corrected": "Corrected",
        "statement": "Parent's statement added",
        "partly": "Partly deleted",
        "no_message": "No message",
        "confirm": "Confirm",
        "informed": (
            "✓ Informed: School attendance officer (leerplichtambtenaar) of the municipality"
        ),
        "extend": "Extend",
        "one_month": "By one month",
        "cancel": "Cancel",
        "holiday": "Please note: that day falls in the Christmas holidays.",
        "original_date": "Wednesday, 2 December 2026",
        "first_date": "Saturday, 2 January 2027",
        "first_date_short": "answer by 2 January 2027",
        "stale": "answer by 2 December 2026",
        "history": "Extended; the original answer date was 2 December 2026.",
        "second_date": "Tuesday, 2 February 2027",
        "law": "at most two more months in total",
        "refuse": "Refuse",
        "pupil_file": "Pupil file",
        "still_needed": "Still needed for the child's education",
        "art17": "GDPR (AVG) Art. 17(1)(a)",
        "escalate": "To the head teacher",
        "pass_on": "Yes, pass it on",
        "assign": "Assign",
        "my": "My requests",
        "consent": "Photo consent",
        "review": "Review my changes",
        "passed": "passed the change on to",
        "ap": "Autoriteit Persoonsgegevens",
        "court": "court",
    },
    "nl": {
        "correct": "Gegevens corrigeren",
        "delete": "Gegevens verwijderen",
        "absence": "Verzuim",
        "religion": "Geloofsovertuiging",
        "progress": "Vorderingen en cijfers",
        "next": "Volgende",
        "send": "Verzoek versturen",
        "take": "In behandeling nemen",
        "answer": "Beantwoorden en afsluiten",
        "corrected": "Gecorrigeerd",
        "statement": "Zienswijze van de ouder toegevoegd",
        "partly": "Gedeeltelijk verwijderd",
        "no_message": "Geen bericht",
        "confirm": "Bevestigen",
        "informed": "✓ Ingelicht: Leerplichtambtenaar van de gemeente",
        "extend": "Verlengen",
        "one_month": "Met één maand",
        "cancel": "Annuleren",
        "holiday": "Let op: die dag valt in de Kerstvakantie.",
        "original_date": "woensdag 2 december 2026",
        "first_date": "zaterdag 2 januari 2027",
        "first_date_short": "antwoord uiterlijk 2 januari 2027",
        "stale": "antwoord uiterlijk 2 december 2026",
        "history": "Verlengd; de oorspronkelijke antwoorddatum was 2 december 2026.",
        "second_date": "dinsdag 2 februari 2027",
        "law": "in totaal ten hoogste twee maanden extra",
        "refuse": "Afwijzen",
        "pupil_file": "Leerlingdossier",
        "still_needed": "Nog nodig voor het onderwijs aan het kind",
        "art17": "AVG art. 17 lid 1 onder a",
        "escalate": "Naar de directeur",
        "pass_on": "Ja, overdragen",
        "assign": "Toewijzen",
        "my": "Mijn verzoeken",
        "consent": "Fototoestemming",
        "review": "Mijn wijzigingen bekijken",
        "passed": "wijziging doorgegeven aan",
        "ap": "Autoriteit Persoonsgegevens",
        "court": "rechter",
    },
}

LANGUAGES = pytest.mark.parametrize(
    ("language", "guardian"), [("nl", "Marieke de Jong"), ("en", "James Whitfield")]
)


async def _file_correction(parent: Person, t: dict[str, str], about: str = "absence") -> None:
    await parent.send("/menu")
    await parent.tap(t["correct"])
    await parent.tap(t[about])
    await parent.send("Zoë was op 3 oktober niet afwezig <maar ziek gemeld>.")
    await parent.tap(t["send"])


async def _file_deletion(parent: Person, t: dict[str, str], *, religion: bool) -> None:
    await parent.send("/menu")
    seen = await parent.tap(t["delete"])
    if religion:
        await parent.tap(next(b for b in seen.buttons if t["religion"] in b))
    await parent.tap(f"☐ {t['progress']}")
    await parent.tap(t["next"])
    await parent.send("Wij willen dit niet meer vastgelegd hebben.")
    await parent.tap(t["send"])


async def _my_request(parent: Person, t: dict[str, str]) -> str:
    await parent.send("/menu")
    await parent.tap(t["my"])
    seen = await parent.tap(parent.last_with_buttons().button_texts[0])
    return seen.text


@LANGUAGES
async def test_a_correction_is_made_and_the_recipients_are_informed(
    harness: Harness, language: str, guardian: str
) -> None:
    t = L[language]
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], language)
    parent = await linked_parent(harness, 5001, guardian, language)
    await _file_correction(parent, t)
    seen = await teacher.send("/take 2026-0001")
    assert "2026-0001" in seen.text
    seen = await teacher.tap(t["answer"])
    assert t["statement"] not in seen.buttons  # a fact is corrected, never "statement added"
    await teacher.tap(t["no_message"])
    await teacher.tap(t["confirm"])
    seen = await teacher.tap(t["informed"])
    assert t["informed"] not in seen.buttons
    await harness.deliver_outbox()
    texts = [m.text for m in parent.messages[-3:]]
    assert "2026-0001" in texts[1] and t["passed"] in texts[2]
    assert "Leerplicht" in texts[2] or "leerplicht" in texts[2]
    detail = await _my_request(parent, t)
    assert t["corrected"].lower() in detail.lower()


@LANGUAGES
async def test_a_deletion_is_extended_then_refused_as_still_needed(
    harness: Harness, language: str, guardian: str
) -> None:
    t = L[language]
    director = await linked_staff(harness, 7003, "J. de Vries", "director", [], language)
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], language)
    parent = await linked_parent(harness, 5001, guardian, language)
    await _file_deletion(parent, t, religion=False)
    seen = await teacher.send("/case 2026-0001")
    assert t["answer"] not in seen.buttons and t["refuse"] not in seen.buttons
    await director.send("/case 2026-0001")
    await director.tap(t["take"])
    await director.tap(t["extend"])
    await director.tap(t["one_month"])
    seen = await director.send("Het archief moet worden nagezocht.")
    assert t["first_date"] in seen.text and t["holiday"] in seen.text  # 2 January 2027
    await director.tap(t["confirm"])
    await harness.deliver_outbox()
    extended = parent.messages[-1].text
    assert "2026-0001" in extended and "Het archief moet worden nagezocht." in extended
    assert t["first_date"] in extended and t["original_date"] in extended
    assert t["law"] in extended
    # Within the two further months the law allows, a second extension by one month.
    seen = await director.send("/case 2026-0001")
    assert t["first_date_short"] in seen.text and t["history"] in seen.text
    assert t["stale"] not in seen.text  # one answer date in force, the original as history
    seen = await director.send("/extend 2026-0001")
    assert seen.buttons == [t["one_month"], t["cancel"]]
    await director.tap(t["one_month"])
    seen = await director.send("Er kwamen deze maand veel verzoeken binnen.")
    assert t["second_date"] in seen.text and t["holiday"] not in seen.text
    await director.tap(t["confirm"])
    await harness.deliver_outbox()
    again = parent.messages[-1].text
    assert "Er kwamen deze maand veel verzoeken binnen." in again
    assert t["second_date"] in again and t["first_date"] in again and t["law"] in again
    seen = await director.send("/extend 2026-0001")
    assert seen.buttons == [] and "2026-0001" in seen.text
    await director.send("/reject 2026-0001")
    await director.tap(t["still_needed"])
    await director.send("Zoë zit nog op school; wij hebben dit nog nodig.")
    await director.tap(t["confirm"])
    await harness.deliver_outbox()
    refused = parent.messages[-1].text
    for expected in (t["ap"], t["court"], "12", "fg@scpo-nop.example", t["art17"]):
        assert expected in refused, expected
    detail = await _my_request(parent, t)
    assert "wij hebben dit nog nodig" in detail and t["ap"] in detail and t["art17"] in detail


@LANGUAGES
async def test_a_deletion_partly_done_names_the_ground_of_what_is_kept(
    harness: Harness, language: str, guardian: str
) -> None:
    t = L[language]
    director = await linked_staff(harness, 7003, "J. de Vries", "director", [], language)
    parent = await linked_parent(harness, 5001, guardian, language)
    await _file_deletion(parent, t, religion=True)
    await director.send("/resolve 2026-0001")
    await director.tap(t["partly"])
    await director.tap(f"☐ {t['progress']}")
    await director.tap(t["next"])
    await director.send("Geloofsovertuiging is verwijderd.")
    await director.tap(t["confirm"])
    await harness.deliver_outbox()
    notice = parent.messages[-1].text
    assert t["progress"] in notice and t["pupil_file"] in notice


@LANGUAGES
async def test_a_teacher_escalates_and_the_director_assigns_back(
    harness: Harness, language: str, guardian: str
) -> None:
    t = L[language]
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], language)
    director = await linked_staff(harness, 7003, "J. de Vries", "director", [], language)
    parent = await linked_parent(harness, 5001, guardian, language)
    await _file_correction(parent, t, "progress")
    await teacher.send("/escalate 2026-0001")
    await teacher.tap(t["pass_on"])
    await harness.deliver_outbox()
    assert (
        "2026-0001" in director.messages[-1].text and "Anna de Wit" in director.messages[-1].text
    )
    await director.send("/assign 2026-0001")
    await director.tap(next(b for b in director.last_with_buttons().button_texts if "Anna" in b))
    await harness.deliver_outbox()
    assert "J. de Vries" in teacher.messages[-1].text
    await teacher.send("/resolve 2026-0001")
    await teacher.tap(t["statement"])
    await teacher.tap(t["no_message"])
    seen = await teacher.tap(t["confirm"])
    assert "2026-0001" in seen.text
    await harness.deliver_outbox()
    assert "2026-0001" in parent.messages[-1].text and t["ap"] in parent.messages[-1].text


@LANGUAGES
async def test_a_photo_consent_task_is_done(
    harness: Harness, language: str, guardian: str
) -> None:
    t = L[language]
    teacher = await linked_staff(harness, 7001, "Anna de Wit", "teacher", ["3"], language)
    parent = await linked_parent(harness, 5001, guardian, language)
    seen = await parent.tap(t["consent"])
    await parent.tap(seen.buttons[0])
    await parent.tap(t["review"])
    await parent.tap(t["confirm"])
    await harness.deliver_outbox()
    await teacher.send("/resolve 2026-0001")
    await teacher.tap(t["no_message"])
    seen = await teacher.tap(t["confirm"])
    assert "2026-0001" in seen.text
    await harness.deliver_outbox()
    assert "2026-0001" in parent.messages[-1].text
