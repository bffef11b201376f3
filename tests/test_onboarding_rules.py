"""Verification rules, without Telegram: codes, dates of birth, backoff, revocation."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import onboarding as rules
from bot.schools.invitations import issue_guardian_codes, issue_staff_code
from bot.services import Services
from storage import accounts, audit_events
from tests.support import FakeClock

PARENT = 5001


async def _code_for(services: Services, clock: FakeClock, guardian_name: str) -> str:
    issued = await issue_guardian_codes(
        services.db, services.keys, clock, services.school("cbs-klimop"), days=30, renew=True
    )
    return next(i.code for i in issued if i.guardian_name == guardian_name)


async def test_a_guardian_is_linked_with_code_and_birth_date(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    code = await _code_for(s, clock, "Priya Sharma")
    result = await s.onboarding.redeem_code(PARENT, PARENT, code.lower(), "nl")
    assert isinstance(result, rules.NeedBirthDate)
    assert result.roster_language == "en"
    linked = await s.onboarding.confirm_birth_date(
        PARENT, PARENT, result.invitation_id, "21 april 2016", "en"
    )
    assert linked == rules.GuardianLinked(first_link=True, children=("Arjun", "Meera"))
    profile = await s.accounts.profile(PARENT)
    assert profile is not None
    assert [c.first_name for c in profile.children] == ["Arjun", "Meera"]
    # The code was used: it links nothing more; the same person is told they are linked.
    again = await s.onboarding.redeem_code(PARENT, PARENT, code, "nl")
    assert isinstance(again, rules.AlreadyLinked)
    assert isinstance(await s.onboarding.redeem_code(7009, 7009, code, "nl"), rules.Rejected)


async def test_wrong_codes_back_off_doubling_to_an_hour(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    wrong = "0123456789ABCDEFGHJKMNPQRS"
    first = await s.onboarding.redeem_code(PARENT, PARENT, wrong, "nl")
    assert isinstance(first, rules.Rejected)
    assert first.blocked_until - clock.now() == timedelta(seconds=30)
    blocked = await s.onboarding.redeem_code(PARENT, PARENT, wrong, "nl")
    assert isinstance(blocked, rules.Blocked)
    waits = []
    for _ in range(9):
        clock.advance(hours=2)
        result = await s.onboarding.redeem_code(PARENT, PARENT, wrong, "nl")
        assert isinstance(result, rules.Rejected)
        waits.append((result.blocked_until - clock.now()).total_seconds())
    assert waits[:4] == [60, 120, 240, 480]
    assert waits[-1] == 3600
    # Text that cannot be a code costs nothing and is not counted.
    assert isinstance(
        await s.onboarding.redeem_code(PARENT, PARENT, "hallo", "nl"), rules.NotACode
    )
    # Another account is not affected.
    other = await s.onboarding.redeem_code(PARENT + 1, PARENT + 1, wrong, "nl")
    assert isinstance(other, rules.Rejected)


async def test_five_wrong_dates_revoke_the_code(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    code = await _code_for(s, clock, "Inge Mulder")
    pending = await s.onboarding.redeem_code(PARENT, PARENT, code, "nl")
    assert isinstance(pending, rules.NeedBirthDate)
    for left in (4, 3, 2, 1):
        result = await s.onboarding.confirm_birth_date(
            PARENT, PARENT, pending.invitation_id, "01-01-2019", "nl"
        )
        assert isinstance(result, rules.WrongDate) and result.attempts_left == left
        assert isinstance(
            await s.onboarding.confirm_birth_date(
                PARENT, PARENT, pending.invitation_id, "09-03-2022", "nl"
            ),
            rules.Blocked,
        )
        clock.advance(hours=1)
    assert isinstance(
        await s.onboarding.confirm_birth_date(
            PARENT, PARENT, pending.invitation_id, "nonsense", "nl"
        ),
        rules.NotADate,
    )
    last = await s.onboarding.confirm_birth_date(
        PARENT, PARENT, pending.invitation_id, "01-01-2019", "nl"
    )
    assert isinstance(last, rules.CodeRevoked)
    clock.advance(hours=2)
    # Even the right date no longer helps; the code itself is dead.
    assert isinstance(
        await s.onboarding.confirm_birth_date(
            PARENT, PARENT, pending.invitation_id, "09-03-2022", "nl"
        ),
        rules.Rejected,
    )
    # Blocked for good: the account that blocked it is told so, anyone else learns nothing.
    assert isinstance(
        await s.onboarding.redeem_code(PARENT, PARENT, code, "nl"), rules.CodeBlocked
    )
    assert isinstance(await s.onboarding.redeem_code(7009, 7009, code, "nl"), rules.Rejected)
    assert await accounts.links(s.db.reader, PARENT) == []


async def test_an_expired_code_is_rejected(school_services: Services, clock: FakeClock) -> None:
    s = school_services
    code = await _code_for(s, clock, "Inge Mulder")
    clock.advance(days=32)
    assert isinstance(await s.onboarding.redeem_code(PARENT, PARENT, code, "nl"), rules.Rejected)


async def test_a_date_of_another_family_does_not_match(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    code = await _code_for(s, clock, "Inge Mulder")  # Sem, born 2022-03-09
    pending = await s.onboarding.redeem_code(PARENT, PARENT, code, "nl")
    assert isinstance(pending, rules.NeedBirthDate)
    zoe = await s.onboarding.confirm_birth_date(
        PARENT, PARENT, pending.invitation_id, "14-02-2020", "nl"
    )
    assert isinstance(zoe, rules.WrongDate)


async def test_a_staff_code_links_at_once_and_only_once(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    staff = await issue_staff_code(
        s.db,
        s.keys,
        clock,
        s.school("cbs-klimop"),
        name="Juf Anna",
        role="teacher",
        groups=["3"],
        days=7,
    )
    result = await s.onboarding.redeem_code(7001, 7001, staff.code, "nl")
    assert isinstance(result, rules.StaffLinked)
    assert result.member.groups == ("3",)
    assert isinstance(await s.onboarding.redeem_code(7002, 7002, staff.code, "nl"), rules.Rejected)
    profile = await s.accounts.profile(7001)
    assert profile is not None and profile.is_staff and not profile.is_guardian


async def test_forget_unlinks_and_keeps_the_audit_trail(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    code = await _code_for(s, clock, "Inge Mulder")
    pending = await s.onboarding.redeem_code(PARENT, PARENT, code, "nl")
    assert isinstance(pending, rules.NeedBirthDate)
    await s.onboarding.confirm_birth_date(
        PARENT, PARENT, pending.invitation_id, "9 maart 2022", "nl"
    )
    assert await s.accounts.profile(PARENT) is not None
    before = [e async for e in audit_events.iterate(s.db.reader)]
    assert await s.accounts.forget(PARENT, PARENT)
    assert await s.accounts.profile(PARENT) is None
    assert await accounts.get(s.db.reader, PARENT) is None
    after = [e async for e in audit_events.iterate(s.db.reader)]
    assert after[: len(before)] == before
    assert after[-1].action == "account.forgotten"
    assert not await s.accounts.forget(PARENT, PARENT)
