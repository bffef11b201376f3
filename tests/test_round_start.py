"""Starting a consent round: the draft, its preview, Start, and every reason it is refused
with nothing created."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.rounds.model import (
    Audience,
    Problem,
    RoundAction,
    RoundNotStarted,
    decode_selection,
    encode_selection,
)
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_parents_rounds import question_text
from bot.i18n import use_language
from bot.services import Services
from storage import rounds
from storage.db import fetch_all
from tests.database_templates import DatabaseTemplates
from tests.domain_helpers import link_staff
from tests.round_helpers import (
    DIRECTOR,
    JAMES,
    MARIEKE,
    PRIYA,
    audit_actions,
    director,
    draft,
    keyboards,
    klimop_id,
    parents,
    pending,
    start,
    two_schools,
)
from tests.support import FakeClock, make_settings


def test_a_selection_is_one_number_per_button() -> None:
    choices = (True, None, False, True, None, None)
    code = encode_selection(choices)
    assert decode_selection(code, 6) == choices
    assert decode_selection(0, 6) == (None,) * 6
    assert decode_selection(3**6, 6) is None and decode_selection(-1, 6) is None


async def test_preview_then_start_asks_each_guardian_per_child(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    boss = await director(s, clock)
    await parents(s, clock)
    draft_ = await s.rounds.new_draft(boss)
    assert draft_.purposes == (
        "website",
        "newsletter",
        "school_guide",
        "social_media",
        "class_app",
    )
    assert draft_.audience == Audience.EVERYONE
    assert draft_.closes_on == clock.now().date() + timedelta(days=14)

    [preview] = await s.rounds.preview(boss, draft_)
    assert (preview.number, preview.children, preview.questions, preview.on_paper) == (
        1,
        12,
        4,  # Marieke and James for Zoë, Priya for Arjun and for Meera
        12,
    )
    assert (
        preview.guardians_in_bot,
        preview.guardians_not_linked,
        preview.guardians_blocked,
    ) == (3, 12, 0)
    assert preview.sample is not None and preview.sample.student.first_name == "Sem"  # group 1
    with use_language(preview.sample_language):
        sample = question_text(preview.sample)
    assert "cbs Klimop vraagt om uw toestemming" in sample and "Voor: Sem (groep 1)" in sample
    assert await pending(s, MARIEKE) == []  # nothing is sent before Start

    [round_] = await s.rounds.start(boss, draft_, idempotency_key="start-1")
    assert round_.number == 1 and round_.is_open
    [(dutch, key)] = await pending(s, MARIEKE)
    assert key is not None and key.startswith(f"round:{round_.id}:q:")
    assert "<b>cbs Klimop vraagt om uw toestemming</b>" in dutch
    assert "Voor: Zoë (groep 3)" in dutch
    assert "<b>1. Website van de school</b>" in dutch and "<b>5. Klassenapp" in dutch
    assert dutch.count("Uw antwoord nu: niet beantwoord") == 5
    assert "Zo laten" not in dutch  # nothing to keep yet
    [(english, _)] = await pending(s, JAMES)
    assert "cbs Klimop asks for your consent" in english and "For: Zoë (group 3)" in english
    assert len(await pending(s, PRIYA)) == 2  # one message per child, never one per purpose

    [keyboard] = await keyboards(s, JAMES)
    assert [label for label, _, _ in keyboard[0]] == ["1. Yes", "1. No"]
    assert keyboard[-1][0][:2] == ("Send", RoundAction.SEND)
    _, action, args = keyboard[0][0]
    assert action == RoundAction.CHOOSE and decode_selection(args[1], 5) == (
        True,
        None,
        None,
        None,
        None,
    )

    # The same Start again (a double tap, a retry after a crash) starts nothing more.
    assert await s.rounds.start(boss, draft_, idempotency_key="start-1") == [round_]
    assert len(await pending(s, MARIEKE)) == 1
    requests = await rounds.requests(s.db.reader, round_.id)
    assert len(requests) == 16 and sum(r.asked_at is not None for r in requests) == 4
    started = [d for a, d in await audit_actions(s) if a == "round.started"]
    assert started == [
        {
            "number": 1,
            "purposes": list(draft_.purposes),
            "audience": "everyone",
            "closes_on": draft_.closes_on.isoformat(),
            "requests": 16,
            "asked": 4,
            "blocked": 0,
        }
    ]


async def _problems(s: Services, clock: FakeClock, **changes: object) -> list[Problem]:
    with pytest.raises(RoundNotStarted) as refused:
        await s.rounds.start(
            StaffActor(DIRECTOR), await draft(s, clock, **changes), idempotency_key="bad"
        )
    return [p.problem for p in refused.value.problems]


async def test_bad_drafts_are_refused_and_nothing_is_created(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    await parents(s, clock)
    today = clock.now().date()
    assert await _problems(s, clock, purposes=()) == [Problem.NO_PURPOSES]
    assert await _problems(s, clock, purposes=("website", "nonsense")) == [Problem.UNKNOWN_PURPOSE]
    assert await _problems(s, clock, closes_on=today - timedelta(days=1)) == [
        Problem.CLOSING_IN_THE_PAST
    ]
    assert await _problems(s, clock, closes_on=today + timedelta(days=61)) == [
        Problem.CLOSING_TOO_FAR
    ]
    assert await _problems(s, clock, message_nl="x" * 501) == [Problem.MESSAGE_TOO_LONG]
    assert await _problems(s, clock, message_en="Hallo\x00") == [Problem.MESSAGE_INVALID]
    assert await _problems(
        s, clock, purposes=(), closes_on=today - timedelta(days=3), message_nl="y" * 600
    ) == [Problem.NO_PURPOSES, Problem.CLOSING_IN_THE_PAST, Problem.MESSAGE_TOO_LONG]
    # The photographer's exchange ends on 16 July 2027: a round may not ask past it.
    clock.moment = clock.moment.replace(year=2027, month=7, day=5)
    assert await _problems(
        s, clock, purposes=("school_photographer",), closes_on=clock.now().date() + timedelta(14)
    ) == [Problem.CLOSING_AFTER_PURPOSE_ENDS]
    clock.moment = clock.moment.replace(month=7, day=20)
    assert await _problems(s, clock, purposes=("school_photographer",)) == [Problem.PURPOSE_ENDED]
    # Exactly 500 characters, today as closing date and 60 days ahead are fine.
    [preview] = await s.rounds.preview(
        StaffActor(DIRECTOR),
        await draft(s, clock, message_nl="x" * 500, closes_on=clock.now().date()),
    )
    assert preview.children == 12
    await s.rounds.preview(
        StaffActor(DIRECTOR),
        await draft(s, clock, closes_on=clock.now().date() + timedelta(days=60)),
    )
    assert await fetch_all(s.db.reader, "SELECT * FROM consent_rounds") == []
    assert await fetch_all(s.db.reader, "SELECT * FROM outbox") == []


async def test_a_second_round_for_an_open_purpose_is_refused_with_its_name_and_date(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    await parents(s, clock)
    first = await start(s, clock, purposes=("website", "newsletter"))
    with pytest.raises(RoundNotStarted) as refused:
        await start(s, clock, key="k2", purposes=("newsletter", "class_app"))
    [problem] = refused.value.problems
    assert problem.problem == Problem.OVERLAPS and problem.purpose == "newsletter"
    assert problem.open_round is not None
    assert (problem.open_round.number, problem.open_round.closes_on) == (1, first.closes_on)
    second = await start(s, clock, key="k3", purposes=("school_photographer",))
    assert second.number == 2


async def test_unanswered_asks_only_guardians_without_an_answer(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    people = await parents(s, clock)
    zoe_and_arjun = await fetch_all(
        s.db.reader, "SELECT id FROM students WHERE external_id IN ('L1001') ORDER BY id"
    )
    zoe = int(zoe_and_arjun[0][0])
    await s.consents.change(people[MARIEKE], zoe, {"website": True, "newsletter": False})
    await s.consents.change(people[JAMES], zoe, {"website": True})  # not the newsletter
    round_ = await start(s, clock, audience=Audience.UNANSWERED)
    asked = {(r.student_id, r.guardian_id) for r in await rounds.requests(s.db.reader, round_.id)}
    assert (zoe, people[MARIEKE].guardian_ids[0]) not in asked
    assert (zoe, people[JAMES].guardian_ids[0]) in asked
    assert len(asked) == 15
    text, key = (await pending(s, JAMES))[-1]  # after Marieke's change, told to James
    assert key is not None and key.startswith(f"round:{round_.id}:q:")
    assert "Your answer now: consent given" in text and "Keep as it is" not in text


async def test_who_may_start_and_the_privacy_officer_for_several_schools(
    tmp_path: Path, clock: FakeClock, database_templates: DatabaseTemplates
) -> None:
    settings = make_settings(tmp_path, schools=two_schools(tmp_path / "schools"))
    await database_templates.copy_into(settings, clock, roster=True)
    s = await Services.start(settings, clock)
    try:
        klimop = await klimop_id(s)
        linde = next(i for i, c in s.school_by_id.items() if c.slug == "de-linde")
        await director(s, clock)
        await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
        await link_staff(s, clock, "F. Gerritsen", "privacy_officer", [], 7003)
        officer = StaffActor(7003)
        assert list(await s.rounds.schools_for(officer)) == sorted([klimop, linde])
        assert list(await s.rounds.schools_for(StaffActor(DIRECTOR))) == [klimop]
        assert await s.rounds.schools_for(StaffActor(7001)) == {}

        both = await draft(s, clock, school_ids=(klimop, linde))
        # De Linde has no pupils yet: nothing starts at either school.
        with pytest.raises(RoundNotStarted) as refused:
            await s.rounds.start(officer, both, idempotency_key="po")
        assert [(p.problem, p.school_id) for p in refused.value.problems] == [
            (Problem.NO_RECIPIENTS, linde)
        ]
        assert await fetch_all(s.db.reader, "SELECT * FROM consent_rounds") == []
        # A teacher, or the head teacher of another school, may not start one: refused
        # and on the record.
        for who in (StaffActor(7001), StaffActor(DIRECTOR)):
            with pytest.raises(RoundNotStarted) as refused:
                await s.rounds.start(
                    who, await draft(s, clock, school_ids=(linde,)), idempotency_key="x"
                )
            assert refused.value.problems[0].problem == Problem.NOT_ALLOWED
        refusals = [d for a, d in await audit_actions(s) if a == "round.refused"]
        assert refusals == [{"action": "start", "reason": "not_allowed"}] * 2
        [round_] = await s.rounds.start(
            officer, await draft(s, clock, school_ids=(klimop,)), idempotency_key="po2"
        )
        assert round_.school_id == klimop
    finally:
        await s.close()
