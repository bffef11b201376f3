"""A guardian answers a round's question: through the consent domain, once, never on
anyone's behalf; every refusal changes nothing and is on the record."""

from __future__ import annotations

import pytest

from bot.domain.model import Actor
from bot.domain.rounds.model import Audience, Refusal, RoundRefused
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_parents_rounds import answered_text, question_text, refusal_text
from bot.i18n import use_language
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage import rounds
from tests.domain_helpers import link_staff, student_id
from tests.round_helpers import (
    DIRECTOR,
    JAMES,
    MARIEKE,
    PRIYA,
    audit_actions,
    director,
    ledger,
    parents,
    pending,
    request_id,
    start,
)
from tests.support import ROSTER_CSV, FakeClock


async def _setup(s: Services, clock: FakeClock) -> tuple[dict[int, Actor], int]:
    await director(s, clock)
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    people = await parents(s, clock)
    round_ = await start(s, clock)
    return people, round_.id


async def test_a_mixed_answer_goes_through_the_consent_domain(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    people, round_id = await _setup(s, clock)
    marieke = people[MARIEKE]
    request = await request_id(s, round_id, MARIEKE)
    question = await s.round_answers.question(marieke, request)
    yes_website_no_newsletter = question.code({"website": True, "newsletter": False})
    answer = await s.round_answers.answer(marieke, request, yes_website_no_newsletter)
    assert answer.answers == {"website": True, "newsletter": False}
    assert answer.case_number == "2026-0001"  # the teacher's task for a change
    guardian = marieke.guardian_ids[0]
    assert await ledger(s) == [
        (guardian, "newsletter", False, "round", round_id),
        (guardian, "website", True, "round", round_id),
    ]
    # The other parent is told, the teacher gets the task, like any change of consent.
    told = (await pending(s, JAMES))[-1][0]
    assert "Another parent or guardian of Zoë has changed their photo consent" in told
    assert "Taak fototoestemming 2026-0001" in (await pending(s, 7001))[-1][0]
    with use_language("nl"):
        text = answered_text(
            question.student,
            question.school,
            question.purposes,
            answer.answers,
            answer.states,
            answer.case_number,
        )
    assert "<b>Dank u wel.</b> Uw antwoorden voor Zoë zijn opgeslagen:" in text
    assert "• Website van de school: toestemming gegeven" in text
    assert "• Nieuwsbrief: geen toestemming" in text
    assert "• Website van de school: foto's toegestaan" in text
    assert "Fototoestemming in /menu" in text
    [request_row] = [r for r in await rounds.requests(s.db.reader, round_id) if r.id == request]
    assert request_row.answered_via == "round" and request_row.answered_at is not None
    answered = [d for a, d in await audit_actions(s) if a == "round.answered"]
    assert answered == [
        {
            "round": round_id,
            "answered": ["newsletter", "website"],
            "changed": ["newsletter", "website"],
            "case": "2026-0001",
        }
    ]

    # The same Send again (a double tap, a replay after a crash): refused, nothing more.
    with pytest.raises(RoundRefused) as refused:
        await s.round_answers.answer(marieke, request, yes_website_no_newsletter)
    assert refused.value.reason == Refusal.ALREADY_ANSWERED
    assert refused.value.answered_at is not None
    assert len(await ledger(s)) == 2
    with use_language("en"):
        line = refusal_text(refused.value, question.school, question.student)
    assert line.startswith("You already answered this question on 2 November 2026.")
    refusals = [d for a, d in await audit_actions(s) if a == "round.refused"]
    assert refusals == [{"action": "send", "reason": "already_answered"}]


async def test_parents_who_disagree_and_an_answer_left_open(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    people, round_id = await _setup(s, clock)
    marieke, james = people[MARIEKE], people[JAMES]
    m_request = await request_id(s, round_id, MARIEKE)
    j_request = await request_id(s, round_id, JAMES)
    m_question = await s.round_answers.question(marieke, m_request)
    await s.round_answers.answer(marieke, m_request, m_question.code({"website": True}))
    j_question = await s.round_answers.question(james, j_request)
    answer = await s.round_answers.answer(james, j_request, j_question.code({"website": False}))
    states = {st.key: st for st in answer.states}
    assert not states["website"].effective  # one refusal is enough
    # The newsletter was left open by both: nothing is written for it.
    assert [row[1] for row in await ledger(s)] == ["website", "website"]
    again = await s.round_answers.question(marieke, m_request)
    assert again.own == (True, None) and again.answered_at is not None


async def test_keep_as_it_is_records_a_fresh_answer_of_the_round(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    people = await parents(s, clock)
    marieke = people[MARIEKE]
    zoe = await student_id(s.db.reader, "L1001")
    await s.consents.change(marieke, zoe, {"website": True, "newsletter": False})
    james_before = len(await pending(s, JAMES))
    round_ = await start(s, clock, audience=Audience.EVERYONE)
    request = await request_id(s, round_.id, MARIEKE)
    question = await s.round_answers.question(marieke, request)
    assert question.offers_keep and question.own == (True, False)
    with use_language("nl"):
        text = question_text(question)
    assert "Uw antwoord nu: toestemming gegeven" in text and "Tik dan op Zo laten" in text
    assert "toestemming vervalt niet vanzelf" in text
    answer = await s.round_answers.keep(marieke, request)
    assert answer.answers == {"website": True, "newsletter": False}
    assert answer.case_number is None  # nothing changed: no task, nobody told
    assert len(await pending(s, JAMES)) == james_before + 1  # only James's own question
    guardian = marieke.guardian_ids[0]
    assert (await ledger(s))[-2:] == [
        (guardian, "newsletter", False, "round", round_.id),
        (guardian, "website", True, "round", round_.id),
    ]
    # Someone without an earlier answer has nothing to keep.
    james = people[JAMES]
    with pytest.raises(RoundRefused) as refused:
        await s.round_answers.keep(james, await request_id(s, round_.id, JAMES))
    assert refused.value.reason == Refusal.NOTHING_TO_KEEP


async def test_foreign_invalid_closed_cancelled_and_off_roster_buttons_change_nothing(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    people, round_id = await _setup(s, clock)
    marieke, priya = people[MARIEKE], people[PRIYA]
    request = await request_id(s, round_id, MARIEKE)

    async def refused(actor: Actor, code: int = 1) -> Refusal:
        with pytest.raises(RoundRefused) as caught:
            await s.round_answers.answer(actor, request, code)
        return caught.value.reason

    assert await refused(priya) == Refusal.NOT_YOURS  # not her child
    assert await refused(marieke, 0) == Refusal.INVALID  # nothing chosen
    assert await refused(marieke, 3**2) == Refusal.INVALID  # no button carries it
    assert await refused(Actor(999, (424242,))) == Refusal.NOT_YOURS

    # James is no longer listed for Zoë: his question stops working with a clear line.
    james = people[JAMES]
    roster = ROSTER_CSV.read_text(encoding="utf-8").splitlines()
    kept = "\n".join(line for line in roster if "O2002" not in line) + "\n"
    school = s.school("cbs-klimop")
    await import_roster(
        s.db, s.keys, clock, school, parse_roster(kept.encode(), clock.now().date())
    )
    with pytest.raises(RoundRefused) as caught:
        await s.round_answers.question(james, await request_id(s, round_id, JAMES))
    assert caught.value.reason == Refusal.OFF_ROSTER
    with use_language("en"):
        line = refusal_text(caught.value, school, None)
    assert "no longer listed as a parent or guardian" in line

    # Closed: the buttons open the consent screen for the child instead.
    await s.round_closing.close_now(StaffActor(DIRECTOR), round_id)
    with pytest.raises(RoundRefused) as caught:
        await s.round_answers.answer(marieke, request, 1)
    assert caught.value.reason == Refusal.ROUND_CLOSED
    assert caught.value.student_id == await student_id(s.db.reader, "L1001")
    with pytest.raises(RoundRefused) as caught:
        await s.round_closing.cancel(StaffActor(DIRECTOR), round_id)
    assert caught.value.reason == Refusal.NOT_OPEN

    second = await start(s, clock, key="k2")
    await s.round_closing.cancel(StaffActor(DIRECTOR), second.id)
    with pytest.raises(RoundRefused) as caught:
        await s.round_answers.answer(marieke, await request_id(s, second.id, MARIEKE), 1)
    assert caught.value.reason == Refusal.ROUND_CANCELLED
    assert await ledger(s) == []
    reasons = [d["reason"] for a, d in await audit_actions(s) if a == "round.refused"]
    assert reasons == [
        "not_yours",
        "invalid",
        "invalid",
        "not_yours",
        "off_roster",
        "round_closed",
        "not_open",
        "round_cancelled",
    ]
