"""Who is told when a message cannot be delivered, in their own language."""

from __future__ import annotations

from bot import outbox
from bot.domain.model import Kind
from bot.domain.undeliverable import UndeliverableNotices
from bot.services import Services
from storage import accounts, audit_events, cases
from storage import outbox as rows
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock


async def _row_for(
    s: Services, chat_id: int, case_id: int | None, school_id: int | None
) -> rows.OutboxRow:
    async with s.db.transaction() as conn:
        ref = await outbox.enqueue(
            conn,
            s.cipher,
            s.clock.now(),
            chat_id=chat_id,
            text="status update",
            school_id=school_id,
            case_id=case_id,
        )
    return next(r for r in await rows.due(s.db.reader, "9999", 100) if r.ref == ref)


async def _fail(s: Services, row: rows.OutboxRow) -> None:
    async with s.db.transaction() as conn:
        await rows.mark_undeliverable(conn, row.id, "blocked by the user")
        await UndeliverableNotices(s.cipher, s.keys)(conn, row, s.clock.now())


async def test_the_assignee_hears_that_the_parent_cannot_be_reached(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    async with s.db.transaction() as conn:
        await accounts.set_language(conn, 7001, "en")
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="x"
    )
    before = await queued_for(s, 7001)
    await _fail(s, await _row_for(s, 5001, case.id, case.school_id))
    notices = (await queued_for(s, 7001))[len(before) :]
    assert notices == [
        f"<b>Request {case.number}</b>: a message to the parent or guardian Marieke de Jong "
        "could not be "
        "delivered: they have blocked the bot or their Telegram account no longer exists. "
        "Please contact them another way."
    ]
    assert await queued_for(s, 7002) == []


async def test_the_director_hears_of_a_message_without_a_case_and_of_the_assignee(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="x"
    )
    await _fail(s, await _row_for(s, 5001, None, case.school_id))
    await _fail(s, await _row_for(s, 7001, case.id, case.school_id))
    notices = await queued_for(s, 7002)
    assert notices[0].startswith(
        "Een bericht van de bot aan de ouder of verzorger Marieke de Jong kon niet"
    )
    assert notices[1].startswith(f"<b>Verzoek {case.number}</b>: een bericht aan uw collega ")
    assert len(notices) == 2


async def test_the_same_row_is_reported_once(school_services: Services, clock: FakeClock) -> None:
    s = school_services
    await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    school_id = next(iter(s.school_by_id))
    row = await _row_for(s, 5009, None, school_id)
    await _fail(s, row)
    await _fail(s, row)
    assert len(await queued_for(s, 7002)) == 1


async def test_an_open_case_whose_teacher_cannot_be_reached_goes_to_the_director(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    director = await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="x"
    )
    assert case.assignee_role == "teacher"
    await _fail(s, await _row_for(s, 7001, case.id, case.school_id))

    moved = await s.cases.get(marieke, case.id)
    assert (moved.assignee_role, moved.assignee_staff_id) == ("director", director)
    events = [e.event for e in await cases.events(s.db.reader, case.id)]
    assert events == ["submitted", "assigned"]
    actions = [e.action async for e in audit_events.iterate(s.db.reader)]
    assert actions[-1] == "case.assigned"
    notice = (await queued_for(s, 7002))[-1]
    assert "Het verzoek is nu aan u toegewezen" in notice

    # When the director cannot be reached either, there is nobody else: it stays.
    await _fail(s, await _row_for(s, 7002, case.id, case.school_id))
    assert (await s.cases.get(marieke, case.id)).assignee_staff_id == director
