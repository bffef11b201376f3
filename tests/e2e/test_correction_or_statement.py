"""A wrong fact is corrected; only a professional judgement is closed with the parent's
statement added beside it (AVG art. 16). The school config marks the data that holds
judgements, and the case screen says which it is."""

from __future__ import annotations

from bot.domain.model import RefusalReason, Refused
from bot.domain.staff_base import StaffActor
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher, request_correction


async def test_a_fact_is_corrected_and_cannot_be_closed_with_a_statement(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "nl")
    marieke = await linked_parent(harness, 5001, "Marieke de Jong", "nl")
    await request_correction(marieke)
    await harness.deliver_outbox()
    assert "Deze gegevens zijn feiten: een onjuist feit wordt gecorrigeerd." in (
        teacher.messages[-1].text
    )
    seen = await teacher.send("/case 2026-0001")
    assert "Deze gegevens zijn feiten" in seen.text
    try:
        await harness.s.staff_cases.resolve(StaffActor(teacher.id), 1, "statement_added")
    except Refused as exc:
        assert exc.reason is RefusalReason.INVALID
    else:
        raise AssertionError("a fact was closed with a statement")
    seen = await teacher.tap("Beantwoorden en afsluiten")
    assert "Zienswijze van de ouder toegevoegd" not in seen.buttons
    assert "Uitkomst: gecorrigeerd" in (await teacher.tap("Geen bericht")).text


async def test_a_judgement_offers_the_parents_statement_with_the_difference_explained(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5002, "James Whitfield", "en")
    await james.tap("Correct data")
    await james.tap("Guidance and support")
    await james.send("The support plan says Zoë does not listen; she has a hearing problem.")
    await james.tap("Send request")
    seen = await teacher.send("/case 2026-0001")
    assert "This data can hold professional judgements" in seen.text
    seen = await teacher.tap("Answer and close")
    assert seen.buttons == ["Corrected", "Parent's statement added", "Cancel"]
    assert "a judgement is not changed, but the parent's statement is added" in seen.text
