"""Every outcome that does not fully grant what the parent asked tells them why and their
rights, as a refusal does (AVG art. 12(4)); a refusal has the deadline of an answer."""

from __future__ import annotations

from bot.domain.model import RefusalReason, Refused
from bot.domain.staff_base import StaffActor
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher


async def _my_request(parent: Person, my: str) -> str:
    await parent.send("/menu")
    await parent.tap(my)
    seen = await parent.tap(parent.last_with_buttons().button_texts[0])
    return seen.text


async def test_a_partial_deletion_gives_the_reasons_and_the_rights(harness: Harness) -> None:
    director = await linked_director(harness, 7003)
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await marieke.tap("Gegevens verwijderen")
    await marieke.tap("☐ Verzuim")
    await marieke.tap("☐ Inloggegevens digitale leermaterialen")
    await marieke.tap("Volgende")
    await marieke.send("Dit mag allemaal weg.")
    await marieke.tap("Verzoek versturen")
    await director.send("/resolve 2026-0001")
    await director.tap("Gedeeltelijk verwijderd")
    await director.tap("☐ Verzuim")
    await director.tap("Volgende")
    await director.tap("Geen bericht")
    await director.tap("Bevestigen")
    await harness.deliver_outbox()
    notice = marieke.messages[-1].text
    assert (
        "Een deel van de gegevens is verwijderd: Inloggegevens digitale leermaterialen. De "
        "school bewaart:" in notice
    )
    assert (
        "• Verzuim: nog nodig voor het onderwijs aan uw kind zolang het op school zit." in notice
    )
    assert "Autoriteit Persoonsgegevens" in notice and "naar de rechter" in notice
    assert "fg@scpo-nop.example" in notice
    detail = await _my_request(marieke, "Mijn verzoeken")
    assert "Uitkomst: gedeeltelijk verwijderd" in detail
    assert "• Verzuim: nog nodig" in detail and "Autoriteit Persoonsgegevens" in detail


async def test_a_statement_added_says_why_the_data_stays_and_the_rights(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("Correct data")
    await james.tap("Progress and marks")
    await james.send("The observation of 3 October is unfair: Zoë was ill that week.")
    await james.tap("Send request")
    await teacher.send("/resolve 2026-0001")
    seen = await teacher.tap("Parent's statement added")
    await teacher.send("Your view is now in Zoë's file next to the observation.")
    await teacher.tap("Confirm")
    await harness.deliver_outbox()
    notice = james.messages[-1].text
    assert "The data is not changed: it is a professional judgement" in notice
    assert "not a fact that can be corrected" in notice
    assert "Your view is now in Zoë's file" in notice
    assert "Autoriteit Persoonsgegevens" in notice and "go to court" in notice
    detail = await _my_request(james, "My requests")
    assert "Autoriteit Persoonsgegevens" in detail
    assert seen.text  # the teacher was asked for the message


async def test_a_dossier_copy_is_answered_with_a_document_or_refused_with_reasons(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("What the school records")
    await james.tap("Request a copy of the dossier")
    await james.tap("In this chat")
    seen = await james.tap("Send request")
    assert (
        "The school will answer by Wednesday, 2 December 2026 at the latest, also if it "
        "cannot do what you ask: then it tells you why." in seen.text
    )
    await teacher.send("/take 2026-0001")
    seen = await teacher.tap("Answer and close")
    assert "answered with the copy: first attach at least one document" in seen.text
    assert seen.buttons == ["Attach copy", "Refuse", "Cancel"]
    seen = await teacher.tap("Refuse")
    assert (
        "A refusal has the same deadline as an answer: it must reach the parent by "
        "Wednesday, 2 December 2026." in seen.text
    )
    await teacher.send("The dossier was lost in a move; we are rebuilding it.")
    await teacher.tap("Confirm")
    await harness.deliver_outbox()
    refused = james.messages[-1].text
    assert "The school has refused your request." in refused
    assert "Autoriteit Persoonsgegevens" in refused


async def test_the_domain_refuses_to_answer_a_dossier_copy_without_a_document(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("What the school records")
    await james.tap("Request a copy of the dossier")
    await james.tap("In this chat")
    await james.tap("Send request")
    # An answer draft from before the rule (or a forged confirmation) still changes nothing.
    try:
        await harness.s.staff_cases.resolve(StaffActor(teacher.id), 1, "answered")
    except Refused as exc:
        assert exc.reason is RefusalReason.NO_DOCUMENTS
    else:
        raise AssertionError("answered without a document")
    seen = await teacher.send("/case 2026-0001")
    assert "Status: received" in seen.text
