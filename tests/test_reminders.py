"""Reminders 7 and 2 days before the due date and every school day while overdue, each
exactly once: across restarts, missed runs and two runs at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.domain.model import Actor, Kind
from bot.jobs import reminders
from bot.services import Services
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock

TEACHER, DIRECTOR, PARENT = 7001, 7002, 5001


async def _setup(s: Services, clock: FakeClock) -> Actor:
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], TEACHER)
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    return await link_guardian(s, clock, "Marieke de Jong", PARENT)


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam


async def test_reminders_come_at_7_and_2_days_and_each_school_day_while_overdue(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Adres"
    )
    assert case.due_on == date(2026, 12, 2)
    alert = len(await queued_for(s, TEACHER))

    seen: dict[date, tuple[int, int]] = {}
    day = date(2026, 11, 3)
    while day <= date(2026, 12, 8):
        clock.moment = _morning(day)
        teacher_before = len(await queued_for(s, TEACHER))
        director_before = len(await queued_for(s, DIRECTOR))
        await reminders.send_due(s.db, s.cipher, clock, s.school_by_id)
        await reminders.send_due(s.db, s.cipher, clock, s.school_by_id)  # a second run: nothing
        got = (
            len(await queued_for(s, TEACHER)) - teacher_before,
            len(await queued_for(s, DIRECTOR)) - director_before,
        )
        if got != (0, 0):
            seen[day] = got
        day += timedelta(days=1)

    assert seen == {
        date(2026, 11, 25): (1, 0),  # 7 days before
        date(2026, 11, 30): (1, 0),  # 2 days before (a Monday)
        date(2026, 12, 3): (1, 1),  # overdue: the teacher, and the director's summary
        date(2026, 12, 4): (1, 1),
        date(2026, 12, 7): (1, 1),  # not on Saturday and Sunday
        date(2026, 12, 8): (1, 1),
    }
    texts = (await queued_for(s, TEACHER))[alert:]
    assert "2026-0001" in texts[0] and "7" in texts[0] and "Zoë" in texts[0]
    assert "/case 2026-0001" in texts[0]
    summary = (await queued_for(s, DIRECTOR))[-1]
    assert "2026-0001" in summary and "Anna de Wit" in summary


async def test_a_reminder_missed_while_the_bot_was_down_comes_once_after_a_restart(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    before = len(await queued_for(s, TEACHER))

    clock.moment = _morning(date(2026, 11, 26))  # the 7-day reminder was due yesterday
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    await s.close()

    again = await Services.start(s.settings, clock)
    try:
        assert await reminders.send_due(again.db, again.cipher, clock, again.school_by_id) == 0
        clock.advance(days=1)
        assert await reminders.send_due(again.db, again.cipher, clock, again.school_by_id) == 0
        assert len(await queued_for(again, TEACHER)) == before + 1
    finally:
        await again.close()


async def test_two_processes_running_reminders_at_once_send_each_once(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    before = len(await queued_for(s, TEACHER))
    clock.moment = _morning(date(2026, 12, 3))  # overdue
    other = await Services.start(s.settings, clock)
    try:
        counts = await asyncio.gather(
            reminders.send_due(s.db, s.cipher, clock, s.school_by_id),
            reminders.send_due(other.db, other.cipher, clock, other.school_by_id),
        )
    finally:
        await other.close()
    assert sorted(counts) == [0, 2]  # the teacher's reminder and the director's summary
    assert len(await queued_for(s, TEACHER)) == before + 1


async def test_an_extension_moves_the_reminders_to_the_new_date(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    clock.moment = _morning(date(2026, 11, 25))
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    async with s.db.transaction() as conn:
        await conn.execute(
            "UPDATE cases SET extended_due_on = '2027-01-15' WHERE id = ?", (case.id,)
        )
    clock.moment = _morning(date(2026, 12, 3))  # would have been overdue
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    clock.moment = _morning(date(2027, 1, 8))  # 7 days before the new date
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 1


async def test_a_photo_consent_task_is_reminded_on_its_short_target(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    change = await s.consents.change(marieke, zoe, {"website": True})
    assert change.case is not None and change.case.due_on == date(2026, 11, 9)
    before = len(await queued_for(s, TEACHER))
    for day in range(3, 9):  # no reminder while the task is new, nor at the weekend
        clock.moment = _morning(date(2026, 11, day))
        assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    clock.moment = _morning(date(2026, 11, 9))
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    text = (await queued_for(s, TEACHER))[before]
    assert "moet vandaag, maandag 9 november 2026, zijn afgehandeld" in text
    clock.moment = _morning(date(2026, 11, 10))
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 2  # + director
