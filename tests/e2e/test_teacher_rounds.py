"""The teacher's side of a consent round: the consent list with the round's response, a
photo checked before it is published, and a signed paper form recorded from a pupil's
screen; refused buttons and typed text change nothing."""

from __future__ import annotations

import json

from bot.domain.model import Actor
from bot.domain.staff_base import StaffActor
from storage.db import fetch_all
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher
from tests.round_helpers import draft


async def _consent(h: Harness, parent: Person, changes: dict[str, bool], child: int = 0) -> None:
    profile = await h.s.accounts.profile(parent.id)
    assert profile is not None
    await h.s.consents.change(
        Actor(parent.id, profile.guardian_ids), profile.children[child].id, changes
    )


async def _round_with_some_answers(h: Harness) -> tuple[Person, Person, Person]:
    """Round 1 asks every parent about the website and the newsletter; in group 3 Marieke
    (Zoë) answered, Priya (Arjun) did not."""
    director = await linked_director(h, 7002)
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(h, 5002, "James Whitfield", "en")
    priya = await linked_parent(h, 5004, "Priya Sharma", "en")
    await h.s.rounds.start(
        StaffActor(director.id), await draft(h.s, h.clock), idempotency_key="r1"
    )
    await _consent(h, marieke, {"website": True, "newsletter": True})
    await h.deliver_outbox()
    return marieke, james, priya


async def _refusals(h: Harness) -> list[str]:
    rows = await fetch_all(
        h.s.db.reader,
        "SELECT details FROM audit_events WHERE action = 'consents.refused' ORDER BY id",
    )
    return [json.loads(r[0])["reason"] for r in rows]


async def test_the_list_counts_who_answered_per_group_while_a_round_is_open(
    harness: Harness,
) -> None:
    h = harness
    dutch = await linked_teacher(h, 7001, ["3"])
    seen = await dutch.send("/consents")
    assert "Toestemmingsronde" not in seen.text  # no round yet
    await _round_with_some_answers(h)
    seen = await dutch.send("/consents")
    assert "Fototoestemming · groep 3 (2 leerlingen)\nToestemmingsronde 1: 1 van 2 beantwoord" in (
        seen.text
    )
    assert "Arjun Sharma: geen antwoord" in seen.text
    director = h.person(7002)
    await director.send("/language")
    await director.tap("English")
    seen = await director.send("/consents 5")
    assert "Photo consent · group 5 (2 pupils)\nConsent round 1: 0 of 2 answered" in seen.text
