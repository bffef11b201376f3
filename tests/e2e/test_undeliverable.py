"""A message that cannot be delivered is reported to a person, never only logged."""

from __future__ import annotations

from storage import outbox
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher, request_dossier_copy


async def test_the_director_hears_when_the_assignee_cannot_be_reached(harness: Harness) -> None:
    await linked_teacher(harness, 7005, ["1"])
    director = await linked_director(harness, 7006, "en")
    inge = await linked_parent(harness, 5005, "Inge Mulder", "nl")
    await request_dossier_copy(harness, inge)
    harness.fake.block_user(7005)
    await harness.deliver_outbox()
    assert await outbox.counts(harness.s.db.reader) == {"undeliverable": 1, "pending": 1}
    await harness.deliver_outbox()
    notice = director.messages[-1].text
    assert notice.startswith(
        "Request 2026-0001: a message to your colleague Anna de Wit could not be"
    )
    assert "contact them another way" in notice
    assert "The request is now assigned to you" in notice
    assert await outbox.counts(harness.s.db.reader) == {"undeliverable": 1, "sent": 1}
    # The case went to the director, and its screen says what did not arrive.
    seen = await director.send("/case 2026-0001")
    assert "Assigned to: head teacher J. de Vries" in seen.text
    assert "1 message about this request could not be delivered" in seen.text


async def test_an_undeliverable_notice_is_not_reported_again(harness: Harness) -> None:
    await linked_teacher(harness, 7007, ["1"])
    await linked_director(harness, 7008)
    inge = await linked_parent(harness, 5007, "Inge Mulder", "nl")
    await request_dossier_copy(harness, inge)
    harness.fake.block_user(7007)
    harness.fake.block_user(7008)
    for _ in range(3):
        await harness.deliver_outbox()
    assert await outbox.counts(harness.s.db.reader) == {"undeliverable": 2}
