"""Reminders 7 and 2 days before the due date and every school day while overdue, each
exactly once: across restarts, missed runs and two runs at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.domain.deadlines import add_months, is_school_day
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
    for day in range(3, 6):  # no reminder while the task is new
        clock.moment = _morning(date(2026, 11, day))
        assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    # Two days before is a Saturday: the warning comes on the Friday before.
    clock.moment = _morning(date(2026, 11, 6))
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    text = (await queued_for(s, TEACHER))[before]
    assert "moet uiterlijk maandag 9 november 2026 zijn afgehandeld: nog 3 dagen" in text
    assert "Dit is de laatste schooldag vóór de uiterste datum." in text
    clock.moment = _morning(date(2026, 11, 9))  # the due date: already warned
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    clock.moment = _morning(date(2026, 11, 10))
    assert await reminders.send_due(s.db, s.cipher, clock, s.school_by_id) == 2  # + director


async def _days(s: Services, clock: FakeClock, first: date, last: date) -> dict[date, list[str]]:
    """Wake the bot every morning (twice) from ``first`` to ``last``: what the teacher got."""
    seen: dict[date, list[str]] = {}
    day = first
    while day <= last:
        clock.moment = _morning(day)
        before = len(await queued_for(s, TEACHER))
        await reminders.send_due(s.db, s.cipher, clock, s.school_by_id)
        await reminders.send_due(s.db, s.cipher, clock, s.school_by_id)
        got = (await queued_for(s, TEACHER))[before:]
        if got:
            seen[day] = got
        day += timedelta(days=1)
    return seen


async def test_a_case_due_in_the_christmas_holiday_is_warned_before_it_starts(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    clock.moment = _morning(date(2026, 11, 23))
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert case.due_on == date(2026, 12, 23)  # a Wednesday in the Christmas holiday

    seen = await _days(s, clock, date(2026, 11, 24), date(2027, 1, 5))

    assert sorted(seen) == [
        date(2026, 12, 16),  # 7 days before
        date(2026, 12, 18),  # 2 days before is in the holiday: the last school day before it
        date(2027, 1, 4),  # overdue, the first school day after the holiday
        date(2027, 1, 5),
    ]
    assert all(len(texts) == 1 for texts in seen.values())
    warning = seen[date(2026, 12, 18)][0]
    assert "moet uiterlijk woensdag 23 december 2026 zijn afgehandeld: nog 5 dagen" in warning
    assert "Dit is de laatste schooldag vóór de uiterste datum." in warning
    assert "laatste schooldag" not in seen[date(2026, 12, 16)][0]


async def test_warnings_of_a_case_due_just_after_a_holiday_come_once_and_before_it(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    clock.moment = _morning(date(2026, 12, 5))
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert case.due_on == date(2027, 1, 5)  # the Tuesday after the Christmas holiday

    seen = await _days(s, clock, date(2026, 12, 6), date(2026, 12, 18))
    # Both the 7-day and the 2-day warning fall in the holiday: one message on its eve.
    assert list(seen) == [date(2026, 12, 18)]
    [warning] = seen[date(2026, 12, 18)]
    assert "moet uiterlijk dinsdag 5 januari 2027 zijn afgehandeld: nog 18 dagen" in warning
    assert "laatste schooldag" not in warning  # Monday 4 January is a school day

    await s.close()  # a restart on the same day neither loses nor repeats it
    again = await Services.start(s.settings, clock)
    try:
        assert await reminders.send_due(again.db, again.cipher, clock, again.school_by_id) == 0
        clock.moment = _morning(date(2027, 1, 4))
        assert await reminders.send_due(again.db, again.cipher, clock, again.school_by_id) == 0
        clock.moment = _morning(date(2027, 1, 6))
        assert await reminders.send_due(again.db, again.cipher, clock, again.school_by_id) == 2
    finally:
        await again.close()


async def test_a_warning_missed_while_the_bot_was_down_still_comes_by_the_due_date(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await _setup(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    clock.moment = _morning(date(2026, 11, 7))
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert case.due_on == date(2026, 12, 7)  # a Monday
    assert list(await _days(s, clock, date(2026, 11, 8), date(2026, 12, 3))) == [
        date(2026, 11, 30)
    ]
    # Down on Friday 4 December, the day of the 2-day warning: it comes on the due date.
    seen = await _days(s, clock, date(2026, 12, 7), date(2026, 12, 7))
    assert "moet vandaag, maandag 7 december 2026, zijn afgehandeld" in seen[date(2026, 12, 7)][0]


def test_every_promised_warning_comes_on_a_school_day_before_the_due_date() -> None:
    """For every due date over a school year (weekends and the example's holidays), a case
    received a month earlier gets its 7-day and its 2-day warning, each once, on a
    school day at most that many days before the due date; never on or after it."""
    holidays = [
        (date(2026, 10, 17), date(2026, 10, 25)),
        (date(2026, 12, 19), date(2027, 1, 3)),
        (date(2027, 2, 13), date(2027, 2, 21)),
    ]
    due = date(2026, 9, 1)
    while due <= date(2027, 8, 31):
        received = add_months(due, -1)
        sent: dict[str, date] = {}
        today = received + timedelta(days=1)
        while today <= due:
            if is_school_day(today, holidays):
                for window in reminders.warnings_due(due, today, received, holidays):
                    sent.setdefault(window, today)
            today += timedelta(days=1)
        assert set(sent) == {"7d", "2d"}, (due, sent)
        for window, day in sent.items():
            assert is_school_day(day, holidays) and day < due, (due, window, day)
            assert day <= due - timedelta(days=int(window[:-1])), (due, window, day)
        due += timedelta(days=1)
