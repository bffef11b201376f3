"""A round over time, with the injectable clock: reminders only on school days from 08:00
to 20:00 school time (across the change of clocks), at most two, never after closing and
never to who answered; pupils and guardians who join or leave the roster; a restart that
neither loses nor repeats anything."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.rounds.follow_up import in_window
from bot.domain.rounds.model import Refusal, RoundRefused
from bot.domain.staff_base import StaffActor
from bot.jobs import rounds as round_jobs
from bot.jobs import scheduled
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage import rounds
from tests.domain_helpers import link_guardian
from tests.round_helpers import (
    DIRECTOR,
    JAMES,
    MARIEKE,
    PRIYA,
    director,
    parents,
    pending,
    request_id,
    start,
)
from tests.support import ROSTER_CSV, FakeClock


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def run(s: Services, clock: FakeClock) -> int:
    return await round_jobs.run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)


def reminders(texts: list[tuple[str, str | None]]) -> list[str]:
    return [key for _, key in texts if key and ":r" in key]


def test_the_window_is_school_days_from_eight_to_eight_school_time() -> None:
    from bot.schools.config import load_school
    from tests.support import SCHOOL_TOML

    school = load_school(SCHOOL_TOML)
    # Winter time (UTC+1) and summer time (UTC+2): 08:00 local is 07:00 or 06:00 UTC.
    assert not in_window(utc(2026, 11, 2, 6, 59), school)
    assert in_window(utc(2026, 11, 2, 7, 0), school)
    assert in_window(utc(2026, 11, 2, 18, 59), school)
    assert not in_window(utc(2026, 11, 2, 19, 0), school)
    assert in_window(utc(2027, 3, 29, 6, 0), school)  # the Monday after the clocks went on
    assert not in_window(utc(2027, 3, 29, 5, 59), school)
    assert not in_window(utc(2026, 11, 7, 10, 0), school)  # a Saturday
    assert not in_window(utc(2026, 10, 20, 10, 0), school)  # autumn half-term


async def test_two_reminders_on_school_days_and_never_to_who_answered(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    people = await parents(s, clock)
    round_ = await start(s, clock)  # Monday 2 November, 10:00: closes after 16 November
    james = people[JAMES]
    j_request = await request_id(s, round_.id, JAMES)
    question = await s.round_answers.question(james, j_request)
    await s.round_answers.answer(james, j_request, question.code({"website": True}))

    clock.moment = utc(2026, 11, 7, 9, 0)  # Saturday, five days later: no school day
    assert await run(s, clock) == 0
    clock.moment = utc(2026, 11, 9, 6, 30)  # Monday 07:30 school time: too early
    assert await run(s, clock) == 0
    clock.moment = utc(2026, 11, 9, 7, 0)  # 08:00
    assert await run(s, clock) == 3  # Marieke (Zoë), Priya (Arjun and Meera)
    assert len(reminders(await pending(s, MARIEKE))) == 1
    assert reminders(await pending(s, JAMES)) == []  # he answered
    [(text, _)] = [m for m in await pending(s, MARIEKE) if m[1] and ":r1:" in m[1]]
    assert text.startswith("<b>Herinnering:</b> op 2 november 2026 vroeg cbs Klimop")
    assert "1. Website van de school\n2. Nieuwsbrief" in text
    # A restart, or the next minute: nothing again.
    clock.moment = utc(2026, 11, 9, 7, 1)
    assert await run(s, clock) == 0

    clock.moment = utc(2026, 11, 12, 19, 30)  # ten days after, but 20:30 school time
    assert await run(s, clock) == 0
    clock.moment = utc(2026, 11, 13, 7, 0)  # Friday 08:00
    assert await run(s, clock) == 3
    assert len(reminders(await pending(s, MARIEKE))) == 2
    clock.moment = utc(2026, 11, 16, 8, 0)  # closing day: at most two, no third
    assert await run(s, clock) == 0
    requests = {r.id: r for r in await rounds.requests(s.db.reader, round_.id)}
    assert requests[await request_id(s, round_.id, MARIEKE)].reminders == 2
    assert requests[j_request].reminders == 0


async def test_across_the_change_of_clocks_and_never_after_closing(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    # Started in the autumn half-term, on Tuesday 20 October 2026, 10:00 summer time.
    clock.moment = utc(2026, 10, 20, 8, 0)
    await director(s, clock)
    await parents(s, clock)
    round_ = await start(s, clock, closes_on=date(2026, 10, 26))
    # Five days later is Sunday 25 October, when the clocks go back and the half-term
    # ends: the first school day is Monday 26, from 08:00 winter time (07:00 UTC).
    clock.moment = utc(2026, 10, 26, 6, 59)
    assert await run(s, clock) == 0
    clock.moment = utc(2026, 10, 26, 7, 0)
    assert await run(s, clock) == 4  # nobody answered: Marieke, James, Priya twice
    # The reminders have not gone out when the round closes at midnight: withdrawn.
    clock.moment = utc(2026, 10, 26, 23, 0)  # 00:00 on 27 October, school time
    await run(s, clock)
    assert reminders(await pending(s, MARIEKE)) == []
    summary = [t for t, key in await pending(s, DIRECTOR) if key and ":summary:" in key]
    assert len(summary) == 1 and "Toestemmingsronde 1 is gesloten" in summary[0]
    clock.moment = utc(2026, 10, 27, 7, 0)
    assert await run(s, clock) == 0
    # Neither the questions nor the reminders had gone out: none counts as sent.
    view = await s.round_views.view(StaffActor(DIRECTOR), round_.id)
    assert (view.questions, view.sent, view.reminders) == (0, 0, 0)
    assert (await rounds.get(s.db.reader, round_.id)).status == "closed"  # type: ignore[union-attr]


async def test_joining_and_leaving_the_roster_while_a_round_is_open(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    people = await parents(s, clock)
    round_ = await start(s, clock)
    school = s.school("cbs-klimop")
    lines = ROSTER_CSV.read_text(encoding="utf-8").splitlines()
    # Mila joins group 1 (Marieke and James); Priya is no longer listed for Meera.
    new = [line for line in lines if not (line.startswith("L1005,") and "O2007" in line)]
    new += [
        "L1015,Mila,de Jong,2022-07-30,1,O2001,Marieke de Jong,marieke.dejong@mail.example,nl",
        "L1015,Mila,de Jong,2022-07-30,1,O2002,James Whitfield,james.whitfield@mail.example,en",
        "L1005,Meera,Sharma,2016-04-21,7,O2099,Raj Sharma,raj@mail.example,en",
    ]
    meera_request = [
        r
        for r in await rounds.requests(s.db.reader, round_.id)
        if r.guardian_id == people[PRIYA].guardian_ids[0]
    ][-1]
    assert meera_request.asked_at is not None
    clock.moment = utc(2026, 11, 2, 20, 0)  # 21:00: the roster is imported in the evening
    await import_roster(
        s.db, s.keys, clock, school, parse_roster("\n".join(new).encode(), date(2026, 11, 2))
    )
    assert await run(s, clock) == 0  # outside the window: the joiners wait for the morning
    requests = await rounds.requests(s.db.reader, round_.id)
    late = [r for r in requests if r.joined_late]
    assert len(late) == 3 and all(r.asked_at is None for r in late)  # Mila ×2, Raj
    stopped = [r for r in requests if r.stopped_at is not None]
    assert [r.id for r in stopped] == [meera_request.id]
    # Priya's question about Meera had not gone out: it is withdrawn.
    priya_texts = await pending(s, PRIYA)
    assert len(priya_texts) == 1 and "Arjun" in priya_texts[0][0]
    with pytest.raises(RoundRefused) as refused:
        await s.round_answers.answer(people[PRIYA], meera_request.id, 1)
    assert refused.value.reason == Refusal.OFF_ROSTER

    clock.moment = utc(2026, 11, 3, 7, 0)
    assert await run(s, clock) == 2  # Marieke and James about Mila; Raj is not linked
    assert await run(s, clock) == 0  # once
    mila = [t for t, _ in await pending(s, MARIEKE) if "Voor: Mila (groep 1)" in t]
    assert len(mila) == 1

    # Inge Mulder links her account while the round is open: she is asked, once.
    await link_guardian(s, clock, "Inge Mulder", 5004)
    assert await pending(s, 5004) == []
    clock.moment = utc(2026, 11, 3, 7, 1)
    assert await run(s, clock) == 1
    assert await run(s, clock) == 0
    [(inge, _)] = await pending(s, 5004)
    assert "Voor: Sem (groep 1)" in inge


async def test_the_scheduled_job_runs_the_rounds(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    await parents(s, clock)
    await start(s, clock, closes_on=clock.now().date())
    clock.advance(days=1)
    await scheduled.run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
    assert [r.status for r in await rounds.open_rounds(s.db.reader)] == []
    with pytest.raises(RoundRefused) as refused:
        await s.round_closing.close_now(StaffActor(DIRECTOR), 1)
    assert refused.value.reason == Refusal.NOT_OPEN
