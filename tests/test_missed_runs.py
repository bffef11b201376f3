"""Weekly runs missed while the bot was down are made up at the next wake-up and cover
exactly what was missed; the first digest covers everything since the school's set-up."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.model import Actor, Kind
from bot.jobs import digest, report
from bot.schools.config import SchoolConfig
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import ROSTER_CSV, FakeClock

DIRECTOR, OFFICER, PARENT = 7002, 7003, 5001
AMS = ZoneInfo("Europe/Amsterdam")


def _local(y: int, m: int, d: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Amsterdam's local time, as the UTC the clock holds."""
    return datetime(y, m, d, hour, minute, tzinfo=AMS).astimezone(UTC)


async def _school_set_up(s: Services, clock: FakeClock, at: datetime) -> Actor:
    """The school is set up at ``at``: roster, director, privacy officer and one parent."""
    clock.moment = at
    rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
    await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    await link_staff(s, clock, "P. Officier", "privacy_officer", [], OFFICER)
    return await link_guardian(s, clock, "Marieke de Jong", PARENT)


async def _file(s: Services, clock: FakeClock, parent: Actor, at: datetime) -> None:
    clock.moment = at
    zoe = await student_id(s.db.reader, "L1001")
    await s.cases.submit(parent, student_id=zoe, kind=Kind.ACCESS, details={})


async def _reports(s: Services, clock: FakeClock, at: datetime) -> list[str]:
    """Wake the bot at ``at``: the reports it queues for the privacy officer."""
    clock.moment = at
    before = len(await queued_for(s, OFFICER))
    await report.send_due(s.db, s.cipher, clock, s.school_by_id)
    await report.send_due(s.db, s.cipher, clock, s.school_by_id)  # woken again: nothing
    return (await queued_for(s, OFFICER))[before:]


async def test_a_report_missed_on_a_monday_comes_the_next_day_for_exactly_that_week(
    services: Services, clock: FakeClock
) -> None:
    s = services
    parent = await _school_set_up(s, clock, _local(2026, 11, 3, 10))  # a Tuesday
    assert await _reports(s, clock, _local(2026, 11, 3, 11)) == []  # not before next Monday
    [first] = await _reports(s, clock, _local(2026, 11, 9, 8))
    assert "Privacyrapportage, 2 nov 2026 – 8 nov 2026" in first
    await _file(s, clock, parent, _local(2026, 11, 15, 23, 59))  # the last minute of the week
    await _file(s, clock, parent, _local(2026, 11, 16, 0, 1))  # the next week, while down

    # Down from Sunday 15 November until Tuesday 17 November 09:00.
    [missed] = await _reports(s, clock, _local(2026, 11, 17, 9))
    assert "Privacyrapportage, 9 nov 2026 – 15 nov 2026" in missed
    assert "kopie van het dossier: 1 ontvangen" in missed
    assert "1 open (waarvan 0 over de antwoorddatum)" in missed  # open when the week ended
    assert "weken" not in missed  # one week, as always
    assert await _reports(s, clock, _local(2026, 11, 20, 9)) == []
    [following] = await _reports(s, clock, _local(2026, 11, 23, 8))
    assert "Privacyrapportage, 16 nov 2026 – 22 nov 2026" in following
    assert "kopie van het dossier: 1 ontvangen" in following
    assert "2 open (waarvan 0 over de antwoorddatum)" in following


async def test_a_downtime_over_two_mondays_gives_one_report_over_both_weeks(
    services: Services, clock: FakeClock
) -> None:
    s = services
    parent = await _school_set_up(s, clock, _local(2026, 11, 3, 10))
    await _reports(s, clock, _local(2026, 11, 9, 8))
    await _file(s, clock, parent, _local(2026, 11, 10, 12))
    await _file(s, clock, parent, _local(2026, 11, 18, 12))
    await _file(s, clock, parent, _local(2026, 11, 24, 12))  # after the second Monday

    # Down from Sunday 15 until Wednesday 25 November: the Mondays 16 and 23 are missed.
    [both] = await _reports(s, clock, _local(2026, 11, 25, 9))
    assert "Privacyrapportage, 9 nov 2026 – 22 nov 2026" in both
    assert "dus deze gaat over 2 weken" in both
    assert "kopie van het dossier: 2 ontvangen" in both  # not the one of the 24th
    [next_week] = await _reports(s, clock, _local(2026, 11, 30, 8))
    assert "Privacyrapportage, 23 nov 2026 – 29 nov 2026" in next_week
    assert "kopie van het dossier: 1 ontvangen" in next_week
    assert "weken" not in next_week


async def test_a_missed_monday_right_after_summer_time_ends_keeps_local_week_bounds(
    services: Services, clock: FakeClock
) -> None:
    s = services
    parent = await _school_set_up(s, clock, _local(2026, 10, 13, 10))
    [before] = await _reports(s, clock, _local(2026, 10, 19, 8))
    assert "Privacyrapportage, 12 okt 2026 – 18 okt 2026" in before
    # Summer time ends on Sunday 25 October at 03:00; the week ends at 00:00 CET.
    await _file(s, clock, parent, _local(2026, 10, 25, 23, 30))  # 22:30 UTC: this week
    await _file(s, clock, parent, _local(2026, 10, 26, 0, 30))  # 23:30 UTC on the 25th: next
    assert _local(2026, 10, 26, 0, 30).day == 25

    [missed] = await _reports(s, clock, _local(2026, 10, 27, 9))
    assert "Privacyrapportage, 19 okt 2026 – 25 okt 2026" in missed
    assert "kopie van het dossier: 1 ontvangen" in missed
    [after] = await _reports(s, clock, _local(2026, 11, 2, 8))
    assert "Privacyrapportage, 26 okt 2026 – 1 nov 2026" in after
    assert "kopie van het dossier: 1 ontvangen" in after


def _weekly(school: SchoolConfig) -> SchoolConfig:
    return school.model_copy(
        update={"schedule": school.schedule.model_copy(update={"digest": "weekly"})}
    )


async def test_a_weekly_digest_missed_on_a_monday_comes_the_next_day(
    services: Services, clock: FakeClock
) -> None:
    s = services
    parent = await _school_set_up(s, clock, _local(2026, 11, 4, 10))  # a Wednesday
    schools = {i: _weekly(school) for i, school in s.school_by_id.items()}

    async def wake(at: datetime) -> list[str]:
        clock.moment = at
        before = len(await queued_for(s, DIRECTOR))
        await digest.send_due(s.db, s.cipher, clock, schools)
        await digest.send_due(s.db, s.cipher, clock, schools)
        return (await queued_for(s, DIRECTOR))[before:]

    await _file(s, clock, parent, _local(2026, 11, 4, 11))  # the day of set-up
    assert await wake(_local(2026, 11, 5, 9)) == []  # the first digest waits for Monday
    [first] = await wake(_local(2026, 11, 9, 7, 30))
    assert "Sinds 4 november 2026 om 10.00 uur." in first and "Nieuwe verzoeken: 1" in first
    await _file(s, clock, parent, _local(2026, 11, 13, 12))

    # Down over Monday 16 November: the digest comes on Tuesday, since the last one.
    [missed] = await wake(_local(2026, 11, 17, 6))
    assert "Sinds 9 november 2026 om 07.30 uur." in missed and "Nieuwe verzoeken: 1" in missed
    assert "2026-0002" in missed
    assert await wake(_local(2026, 11, 22, 23)) == []
    [following] = await wake(_local(2026, 11, 23, 7, 30))
    assert (
        "Sinds 17 november 2026 om 06.00 uur." in following and "Nieuwe verzoeken: 0" in following
    )


async def test_the_first_digest_lists_a_request_filed_on_the_day_the_school_was_set_up(
    services: Services, clock: FakeClock
) -> None:
    s = services
    parent = await _school_set_up(s, clock, _local(2026, 11, 7, 10))  # a Saturday
    await _file(s, clock, parent, _local(2026, 11, 7, 11))
    for day in (7, 8):  # no digest at the weekend
        clock.moment = _local(2026, 11, day, 12)
        assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    clock.moment = _local(2026, 11, 9, 7, 30)  # Monday: the school's first digest
    assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    text = (await queued_for(s, DIRECTOR))[-1]
    assert "Sinds 7 november 2026 om 10.00 uur." in text
    assert "Nieuwe verzoeken: 1\n• kopie van het dossier: 1 (2026-0001)" in text
