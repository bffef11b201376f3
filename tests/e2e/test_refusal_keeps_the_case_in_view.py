"""While staff write the reason for a refusal, the case card with the parent's own words
stays in the chat: the refusal's steps come as new messages under it."""

from __future__ import annotations

from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent, staff_code

PARENTS_WORDS = "Wij willen dit niet meer vastgelegd hebben."


async def _staff(h: Harness, user_id: int, name: str, role: str, groups: list[str]) -> Person:
    person = h.person(user_id, name.split()[0], "nl")
    await person.send(f"/start {await staff_code(h, name, role, groups)}")
    return person


async def test_the_director_refuses_a_deletion_with_the_parents_words_in_view(
    harness: Harness,
) -> None:
    director = await _staff(harness, 7003, "J. de Vries", "director", [])
    parent = await linked_parent(harness, 5001, "Marieke de Jong")
    await parent.send("/menu")
    await parent.tap("Gegevens verwijderen")
    await parent.tap("☐ Vorderingen en cijfers")
    await parent.tap("Volgende")
    await parent.send(PARENTS_WORDS)
    await parent.tap("Verzoek versturen")

    await director.send("/case 2026-0001")
    card = (await director.tap("In behandeling nemen")).last
    assert PARENTS_WORDS in card.text
    seen = await director.tap("Afwijzen", card)
    assert [m.message_id for m in seen.messages] != [card.message_id]
    seen = await director.tap("Nog nodig voor het onderwijs aan het kind")
    assert "reden voor de afwijzing" in seen.text
    assert card.message_id not in [m.message_id for m in seen.messages]
    assert PARENTS_WORDS in card.text and not card.deleted

    await director.send("De wet vraagt ons dit te bewaren.")
    await director.tap("Bevestigen")
    await harness.deliver_outbox()
    assert "De wet vraagt ons dit te bewaren." in parent.messages[-1].text
    assert harness.fake.errors == []


async def test_the_teacher_refuses_a_correction_with_the_parents_words_in_view(
    harness: Harness,
) -> None:
    teacher = await _staff(harness, 7001, "Anna de Wit", "teacher", ["3"])
    parent = await linked_parent(harness, 5001, "Marieke de Jong")
    await parent.send("/menu")
    await parent.tap("Gegevens corrigeren")
    await parent.tap("Verzuim")
    await parent.send("Zoë was op 3 oktober niet afwezig maar ziek gemeld.")
    await parent.tap("Verzoek versturen")

    card = (await teacher.send("/take 2026-0001")).last
    seen = await teacher.tap("Afwijzen", card)
    assert "reden voor de afwijzing" in seen.text
    assert card.message_id not in [m.message_id for m in seen.messages]
    assert "niet afwezig maar ziek gemeld" in card.text and not card.deleted

    await teacher.send("Het verzuim is zo gemeld door de ouder zelf.")
    await teacher.tap("Bevestigen")
    await harness.deliver_outbox()
    assert "Het verzuim is zo gemeld" in parent.messages[-1].text
    assert harness.fake.errors == []
