"""What the scheduler does next and when (the demo's "next event"), and where a step of a
day lands (never before a job it passed over), read from the jobs' own timetable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import Kind
from bot.jobs import digest, reminders, report, retention, rounds
from bot.jobs.schedule import step_landing, timetable
from bot.jobs.scheduled import Upcoming, next_event, run_due
from bot.services import Services
from tests import round_helpers
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock

AMS = ZoneInfo("Europe/Amsterdam")
TEACHER, DIRECTOR, OFFICER = 7001, 7002, 7003


def local(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS)


def test_a_day_keeps_the_time_of_day_but_never_lands_before_a_job_it_passed(
    services: Services,
) -> None:
    school = services.school("cbs-klimop")
    day, week = timedelta(days=1), timedelta(days=7)
    # Monday 07:31, just after the digest: the reminders at 08:00 were passed over.
    assert step_landing(local(2, 11, 7, 31), day, [school]) == local(3, 11, 8)
    assert step_landing(local(2, 11, 7, 31), week, [school]) == local(9, 11, 8)
    # After every job of the day, a day is exactly a day.
    assert step_landing(local(2, 11, 9, 15), day, [school]) == local(3, 11, 9, 15)
    assert step_landing(local(2, 11, 8), day, [school]) == local(3, 11, 8)
    # At night, before everything: it lands after the last job it passed (08:00).
    assert step_landing(local(2, 11, 2), day, [school]) == local(3, 11, 8)
    assert step_landing(local(2, 11, 2), day, []) == local(3, 11, 2)


async def test_the_timetable_is_when_each_job_runs(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    await link_staff(s, clock, "P. Officier", "privacy_officer", [], OFFICER)
    school = s.school("cbs-klimop")
    slots = {slot.job: slot for slot in timetable(school)}
    assert list(slots) == ["retention", "reminders", "digest", "report"]
    now = local(2, 11, 10)  # Monday
    assert slots["retention"].next_due(now, AMS) == local(3, 11, 3, 15)
    assert slots["digest"].next_due(now, AMS) == local(3, 11, 7, 30)
    assert slots["reminders"].next_due(now, AMS) == local(3, 11, 8)
    assert slots["report"].next_due(now, AMS) == local(9, 11, 8)

    async def ran(job: str, at: datetime) -> bool:
        clock.moment = at.astimezone(UTC)
        if job == "retention":
            return bool(await retention.run(s.db, s.keys, clock, s.school_by_id))
        if job == "digest":
            return await digest.send_due(s.db, s.cipher, clock, s.school_by_id) > 0
        return await report.send_due(s.db, s.cipher, clock, s.school_by_id) > 0

    for job in ("retention", "digest", "report"):
        due = slots[job].next_due(now, AMS)
        assert due is not None
        assert not await ran(job, due - timedelta(minutes=1)), job
        assert await ran(job, due), job


async def test_next_event_goes_to_each_moment_something_is_due(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], TEACHER)
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    clock.moment = local(2, 11, 10).astimezone(UTC)  # Monday 2 November
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Adres"
    )
    assert case.due_on.isoformat() == "2026-12-02"

    async def step() -> Upcoming:
        found = await next_event(s.db, clock.now(), s.school_by_id)
        assert found is not None
        clock.moment = found.at.astimezone(UTC)
        await run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
        return found

    seen = [await step() for _ in range(4)]
    assert [(u.at.astimezone(AMS), u.events) for u in seen] == [
        (local(3, 11, 3, 15), ("retention",)),
        (local(3, 11, 7, 30), ("digest",)),
        (local(4, 11, 3, 15), ("retention",)),  # no reminder on Tuesday: nothing at 08:00
        (local(4, 11, 7, 30), ("digest",)),
    ]

    # Seven days before the due date: the teacher's reminder at 08:00.
    clock.moment = local(25, 11, 7, 45).astimezone(UTC)
    before = len(await queued_for(s, TEACHER))
    assert (await step()).events == ("reminders",)
    assert clock.now() == local(25, 11, 8)
    assert len(await queued_for(s, TEACHER)) == before + 1
    assert (await step()).events == ("retention",)  # the reminder is not due again

    # Monday 30 November: the 2-day reminder, with the weekly report. Overdue from Thursday
    # 3 December: the teacher's reminder and the director's summary, every school day.
    clock.moment = local(30, 11, 7, 45).astimezone(UTC)
    assert (await step()).events == ("reminders", "report")
    clock.moment = local(3, 12, 7).astimezone(UTC)
    assert (await step()).events == ("digest",)
    before = len(await queued_for(s, DIRECTOR))
    assert (await step()).events == ("reminders", "overdue_summary")
    assert "2026-0001" in (await queued_for(s, DIRECTOR))[-1]
    assert len(await queued_for(s, DIRECTOR)) == before + 1
    assert await reminders.due_on(
        s.db.reader, 1, s.school("cbs-klimop"), local(3, 12, 8).date()
    ) == (
        False,
        False,
    )


async def test_next_event_knows_a_rounds_reminders_and_its_closing(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await round_helpers.director(s, clock)
    await round_helpers.parents(s, clock)
    clock.moment = local(2, 11, 10).astimezone(UTC)  # Monday 2 November
    await round_helpers.start(s, clock, closes_on=local(13, 11, 0).date())
    await run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
    closing = local(14, 11, 0)  # the midnight after Friday 13 November
    # Five days after Monday is Saturday: the first reminders on Monday 9 November, 08:00.
    assert await rounds.next_moments(s.db, clock.now(), s.school_by_id) == {
        local(9, 11, 8): {"round_reminders"},
        closing: {"round_closing"},
    }
    clock.moment = local(9, 11, 7, 45).astimezone(UTC)
    found = await next_event(s.db, clock.now(), s.school_by_id)
    assert found == Upcoming(local(9, 11, 8).astimezone(UTC), ("report", "round_reminders"))
    clock.moment = found.at
    await run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
    # The second reminders ten days after asking: Thursday 12 November.
    assert await rounds.next_moments(s.db, clock.now(), s.school_by_id) == {
        local(12, 11, 8): {"round_reminders"},
        closing: {"round_closing"},
    }
    clock.moment = local(12, 11, 8).astimezone(UTC)
    await run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
    assert await rounds.next_moments(s.db, clock.now(), s.school_by_id) == {
        closing: {"round_closing"}
    }
    clock.moment = local(13, 11, 23).astimezone(UTC)
    found = await next_event(s.db, clock.now(), s.school_by_id)
    assert found == Upcoming(closing.astimezone(UTC), ("round_closing",))
    clock.moment = closing.astimezone(UTC)
    await run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
    assert await rounds.next_moments(s.db, clock.now(), s.school_by_id) == {}
