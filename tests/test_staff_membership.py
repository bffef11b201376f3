"""Staff over a school year: ending access, moving groups, a new phone (without Telegram)."""

from __future__ import annotations

import pytest

from bot.domain import onboarding as rules
from bot.domain.model import Kind, RefusalReason, Refused, Status
from bot.domain.staff_base import StaffActor
from bot.errors import UserFacingError
from bot.schools.invitations import issue_staff_code
from bot.services import Services
from storage import accounts, audit_events, cases, schools
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import FakeClock


async def _school_id(s: Services) -> int:
    found = await schools.find_id(s.db.reader, "cbs-klimop")
    assert found is not None
    return found


async def test_a_removed_teacher_loses_access_and_her_open_cases_go_to_the_director(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    director = await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert case.assignee_staff_id == anna
    assert await queued_for(s, 7001), "the new-request alert waits for Anna"

    moved = await s.staff_membership.remove(await _school_id(s), anna, actor="cli")

    assert [(m.number, m.to_name) for m in moved] == [(case.number, "J. de Vries")]
    now = await s.cases.get(marieke, case.id)
    assert (now.assignee_role, now.assignee_staff_id) == ("director", director)
    assert [e.event for e in await cases.events(s.db.reader, case.id)] == [
        "submitted",
        "assigned",
    ]
    assert await queued_for(s, 7001) == [], "what waited for Anna is withdrawn"
    handed = (await queued_for(s, 7002))[-1]
    assert case.number in handed and "werkt niet meer met Privacyloket" in handed
    assert await accounts.links(s.db.reader, 7001) == []
    with pytest.raises(Refused, match="not_allowed"):
        await s.staff_cases.take(StaffActor(7001), case.id)
    actions = [e.action async for e in audit_events.iterate(s.db.reader)]
    assert actions[-3:] == ["staff.removed", "case.assigned", "staff.refused"]
    assert [e.member.name for e in await s.staff_membership.entries(await _school_id(s))] == [
        "J. de Vries"
    ]


async def test_the_last_director_cannot_be_removed(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    director = await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    with pytest.raises(Refused) as refused:
        await s.staff_membership.remove(await _school_id(s), director, actor="cli")
    assert refused.value.reason is RefusalReason.LAST_DIRECTOR
    assert len(await accounts.links(s.db.reader, 7002)) == 1

    second = await link_staff(s, clock, "P. Bakker", "director", [], 7003)
    await s.staff_membership.remove(await _school_id(s), director, actor="cli")
    with pytest.raises(Refused):
        await s.staff_membership.remove(await _school_id(s), second, actor="cli")


async def test_a_teacher_moved_to_another_group_hands_over_the_old_groups_cases(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    kees = await link_staff(s, clock, "Kees Jansen", "teacher", ["3"], 7004)
    await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")  # group 3
    case = await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert case.assignee_staff_id == anna

    moved = await s.staff_membership.set_groups(await _school_id(s), anna, ["7"], actor="cli")

    assert [m.to_name for m in moved] == ["Kees Jansen"]
    assert (await s.cases.get(marieke, case.id)).assignee_staff_id == kees
    member = await s.staff_membership.member(await _school_id(s), anna)
    assert member is not None and member.groups == ("7",)
    with pytest.raises(Refused, match="not_allowed"):  # group 3 is no longer hers
        await s.staff_cases.take(StaffActor(7001), case.id)
    assert (await s.staff_cases.take(StaffActor(7004), case.id)).status == Status.IN_PROGRESS


async def test_groups_are_set_only_for_teachers_and_only_to_groups_that_exist(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    director = await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    school_id = await _school_id(s)
    for staff_id, groups in ((anna, ["99"]), (anna, []), (director, ["3"])):
        with pytest.raises(Refused, match="invalid"):
            await s.staff_membership.set_groups(school_id, staff_id, groups, actor="cli")
    member = await s.staff_membership.member(school_id, anna)
    assert member is not None and member.groups == ("3",)


async def test_a_new_code_for_the_same_teacher_links_her_new_phone_and_unlinks_the_old(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    assert await queued_for(s, 7001)

    school = s.school("cbs-klimop")
    first = await issue_staff_code(
        s.db, s.keys, clock, school, name="anna de wit ", role="teacher", groups=[], days=7
    )
    second = await issue_staff_code(
        s.db, s.keys, clock, school, name="Anna de Wit", role="teacher", groups=["Groep 3"], days=7
    )
    assert not first.new_member and not second.new_member
    assert (first.name, second.groups) == ("Anna de Wit", ("3",))
    stale = await s.onboarding.redeem_code(7102, 7102, first.code, "nl")
    assert isinstance(stale, rules.Rejected), "an earlier code stops working"

    linked = await s.onboarding.redeem_code(7101, 7101, second.code, "nl")
    assert isinstance(linked, rules.StaffLinked) and linked.member.id == anna
    assert await accounts.links(s.db.reader, 7001) == []
    assert await queued_for(s, 7001) == [] and await queued_for(s, 7101)
    assert len(await s.staff_membership.entries(await _school_id(s))) == 1


async def test_staff_invite_for_someone_already_on_the_staff_in_another_role_is_refused(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    school = s.school("cbs-klimop")
    for role, groups in (("director", []), ("teacher", ["5"])):
        with pytest.raises(UserFacingError, match="already on the staff"):
            await issue_staff_code(
                s.db, s.keys, clock, school, name="Anna de Wit", role=role, groups=groups, days=7
            )
    assert len(await s.staff_membership.entries(await _school_id(s))) == 1
