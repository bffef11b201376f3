"""Staff actions on cases without Telegram: the transition table, who may act, what the
parent is told, and what a refusal leaves behind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import pytest

from bot.domain.model import Kind, Refused, Status
from bot.domain.staff_base import StaffActor, parse_number
from bot.domain.texts.for_staff import not_a_school_day_note
from bot.domain.transitions import Acting, Action, allowed_actions
from bot.i18n import use_language
from bot.schools.config import load_school
from bot.schools.invitations import issue_staff_code
from bot.services import Services
from storage import audit_events, case_work
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import SCHOOL_TOML, FakeClock

TEACHER, OTHER_TEACHER, DIRECTOR, OFFICER, PARENT = 7001, 7002, 7003, 7004, 5001


async def _setup(s: Services, clock: FakeClock) -> dict[str, int]:
    ids = {
        "teacher": await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], TEACHER),
        "other": await link_staff(s, clock, "Bram Bos", "teacher", ["7"], OTHER_TEACHER),
        "director": await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR),
        "officer": await link_staff(s, clock, "F. Gee", "privacy_officer", [], OFFICER),
    }
    return ids


async def _case(s: Services, clock: FakeClock, kind: Kind = Kind.ACCESS, **details: object) -> int:
    marieke = await link_guardian(s, clock, "Marieke de Jong", PARENT)
    zoe = await student_id(s.db.reader, "L1001")
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=kind, details=dict(details), text="x"
    )
    return case.id


async def _audit_count(s: Services) -> int:
    return (await audit_events.last(s.db.reader))[0]


def test_the_table_and_the_permission_check() -> None:
    teacher = Acting(1, 1, "teacher", frozenset({3}))
    director = Acting(2, 1, "director", frozenset())
    officer = Acting(3, 1, "privacy_officer", frozenset())
    elsewhere = Acting(4, 2, "director", frozenset())
    assert allowed_actions(
        teacher, Status.SUBMITTED, kind=Kind.ACCESS, school_id=1, group_id=3
    ) == [
        Action.TAKE,
        Action.NOTE,
        Action.EXTEND,
        Action.ESCALATE,
        Action.ATTACH,
        Action.RESOLVE,
        Action.REJECT,
    ]
    assert Action.RESOLVE not in allowed_actions(
        teacher, Status.IN_PROGRESS, kind=Kind.ERASURE, school_id=1, group_id=3
    )
    assert Action.RESOLVE in allowed_actions(
        director, Status.IN_PROGRESS, kind=Kind.ERASURE, school_id=1, group_id=3
    )
    assert Action.TAKE not in allowed_actions(
        director, Status.IN_PROGRESS, kind=Kind.ACCESS, school_id=1, group_id=3
    )
    assert (
        allowed_actions(teacher, Status.SUBMITTED, kind=Kind.ACCESS, school_id=1, group_id=7) == []
    )
    assert (
        allowed_actions(officer, Status.SUBMITTED, kind=Kind.ACCESS, school_id=1, group_id=3) == []
    )
    assert (
        allowed_actions(elsewhere, Status.SUBMITTED, kind=Kind.ACCESS, school_id=1, group_id=3)
        == []
    )
    for closed in (Status.RESOLVED, Status.REJECTED, Status.WITHDRAWN):
        assert allowed_actions(director, closed, kind=Kind.ACCESS, school_id=1, group_id=3) == []
    assert parse_number("2026-0042") == (2026, 42)
    assert parse_number("42") is None and parse_number("20x6-1") is None


async def test_take_attach_and_resolve_an_access_request(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    ids = await _setup(s, clock)
    case_id = await _case(s, clock)
    teacher = StaffActor(TEACHER)
    taken = await s.staff_cases.take(teacher, case_id)
    assert taken.status == Status.IN_PROGRESS and taken.assignee_staff_id == ids["teacher"]
    notices = await queued_for(s, PARENT)
    assert "now being handled by the teacher" in notices[-1] or "leerkracht" in notices[-1]
    await s.staff_cases.note(teacher, case_id, "Dossier opgevraagd bij de administratie")
    assert await s.staff_cases.attach(teacher, case_id, "document", "BQAC1", "dossier.pdf") == 1
    assert await s.staff_cases.attach(teacher, case_id, "photo", "AgAC2", None) == 2
    resolved = await s.staff_cases.resolve(teacher, case_id, "answered", "Hierbij het dossier.")
    assert resolved.status == Status.RESOLVED
    notices = await queued_for(s, PARENT)
    assert "Hierbij het dossier." in notices[-3]
    assert "2026-0001" in notices[-2] and "1" in notices[-2]
    view = await s.staff_views.view(teacher, case_id)
    assert [c.event for c in view.timeline] == [
        "submitted",
        "taken",
        "note_added",
        "document_added",
        "document_added",
        "resolved",
    ]
    assert view.timeline[1].staff_name == "Anna de Wit"
    assert view.notes[0][1] == "Dossier opgevraagd bij de administratie"
    assert [d.name for d in view.documents] == ["dossier.pdf", None]
    assert view.actions == []

    # The loser of a race, a double tap, a stale button: refused, told what happened.
    before = await _audit_count(s)
    with pytest.raises(Refused) as refused:
        await s.staff_cases.resolve(StaffActor(DIRECTOR), case_id, "answered")
    assert refused.value.reason == "not_possible"
    assert refused.value.last is not None and refused.value.last.event == "resolved"
    assert refused.value.last.staff_name == "Anna de Wit"
    assert await _audit_count(s) == before + 1
    assert (await s.staff_views.view(teacher, case_id)).case.status == Status.RESOLVED


async def test_who_may_not_act_is_refused_and_audited(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _setup(s, clock)
    case_id = await _case(s, clock, Kind.ERASURE, categories=["religion"])
    attempts: list[tuple[int, Callable[[StaffActor], Awaitable[object]]]] = [
        (OTHER_TEACHER, lambda w: s.staff_cases.take(w, case_id)),
        (OFFICER, lambda w: s.staff_cases.take(w, case_id)),
        (PARENT, lambda w: s.staff_cases.take(w, case_id)),
        (9999, lambda w: s.staff_cases.take(w, case_id)),
        (TEACHER, lambda w: s.staff_cases.resolve(w, case_id, "erased")),
        (DIRECTOR, lambda w: s.staff_cases.reject(w, case_id, "nee", "unknown")),
        (DIRECTOR, lambda w: s.staff_cases.reject(w, case_id, "", "leerlingdossier")),
        (DIRECTOR, lambda w: s.staff_cases.resolve(w, case_id, "corrected")),
    ]
    for user, action in attempts:
        before = await _audit_count(s)
        with pytest.raises(Refused):
            await action(StaffActor(user))
        assert await _audit_count(s) == before + 1
    row = await s.staff_views.view(StaffActor(DIRECTOR), case_id)
    assert row.case.status == Status.SUBMITTED and len(row.timeline) == 1


async def test_extend_by_two_months_at_most_and_reject_with_a_ground(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _setup(s, clock)
    case_id = await _case(s, clock, Kind.ERASURE, categories=["progress"])
    director = StaffActor(DIRECTOR)
    extended = await s.staff_cases.extend(director, case_id, 2, "Archief moet worden nagezocht")
    assert extended.due_on == date(2026, 12, 2) and extended.extended_due_on == date(2027, 2, 2)
    assert "2 februari 2027" in (await queued_for(s, PARENT))[-1]
    with pytest.raises(Refused):
        await s.staff_cases.extend(director, case_id, 1, "nog eens")  # two months are used
    rejected = await s.staff_cases.reject(
        director, case_id, "Wettelijke bewaarplicht", "leerlingdossier"
    )
    assert rejected.status == Status.REJECTED
    notice = (await queued_for(s, PARENT))[-1]
    assert "Autoriteit Persoonsgegevens" in notice and "Wettelijke bewaarplicht" in notice
    assert "12" in notice and "fg@scpo-nop.example" in notice

    late = await _case(s, clock, Kind.ACCESS)
    clock.moment = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    with pytest.raises(Refused):
        await s.staff_cases.extend(director, late, 1, "te laat")


async def test_escalate_assign_and_art19(school_services: Services, clock: FakeClock) -> None:
    s = school_services
    ids = await _setup(s, clock)
    case_id = await _case(s, clock, Kind.RECTIFICATION, category="absence")
    escalated = await s.staff_cases.escalate(StaffActor(TEACHER), case_id)
    assert escalated.assignee_staff_id == ids["director"]
    assert "2026-0001" in (await queued_for(s, DIRECTOR))[-1]
    with pytest.raises(Refused):
        await s.staff_cases.assign(StaffActor(DIRECTOR), case_id, ids["officer"])
    assigned = await s.staff_cases.assign(StaffActor(DIRECTOR), case_id, ids["teacher"])
    assert assigned.assignee_staff_id == ids["teacher"]
    await s.staff_cases.resolve(StaffActor(TEACHER), case_id, "corrected")
    view = await s.staff_views.view(StaffActor(TEACHER), case_id)
    assert view.to_inform == ["leerplichtambtenaar"]
    assert await s.staff_cases.inform(StaffActor(TEACHER), case_id, "leerplichtambtenaar") == []
    assert "Leerplicht" in (await queued_for(s, PARENT))[-1]
    with pytest.raises(Refused):
        await s.staff_cases.inform(StaffActor(TEACHER), case_id, "leerplichtambtenaar")
    assert await case_work.informed(s.db.reader, case_id) == ["leerplichtambtenaar"]


async def test_voluntary_data_is_never_kept(school_services: Services, clock: FakeClock) -> None:
    s = school_services
    await _setup(s, clock)
    case_id = await _case(s, clock, Kind.ERASURE, categories=["religion", "progress"])
    director = StaffActor(DIRECTOR)
    with pytest.raises(Refused) as refused:
        await s.staff_cases.reject(director, case_id, "Bewaarplicht", "leerlingdossier")
    assert refused.value.reason == "voluntary"
    with pytest.raises(Refused):
        await s.staff_cases.resolve(director, case_id, "partly_erased", kept=["religion"])
    done = await s.staff_cases.resolve(director, case_id, "partly_erased", kept=["progress"])
    assert done.status == Status.RESOLVED


async def test_restriction_and_objection_go_to_the_director_who_grants_them(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    ids = await _setup(s, clock)
    for kind in (Kind.RESTRICTION, Kind.OBJECTION):
        case_id = await _case(s, clock, kind, categories=["absence"])
        view = await s.staff_views.view(StaffActor(DIRECTOR), case_id)
        assert view.case.assignee_staff_id == ids["director"]
        with pytest.raises(Refused):
            await s.staff_cases.resolve(StaffActor(TEACHER), case_id, "granted")
        done = await s.staff_cases.resolve(StaffActor(DIRECTOR), case_id, "granted", "Akkoord")
        assert done.status == Status.RESOLVED
        assert (
            "granted" in (await queued_for(s, PARENT))[-1]
            or "ingewilligd" in (await queued_for(s, PARENT))[-1]
        )


async def test_a_case_goes_to_a_teacher_who_uses_the_bot_else_the_director(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await issue_staff_code(
        s.db,
        s.keys,
        clock,
        s.school("cbs-klimop"),
        name="N. Niet",
        role="teacher",
        groups=["3"],
        days=7,
    )
    director = await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    case_id = await _case(s, clock, Kind.ACCESS)
    view = await s.staff_views.view(StaffActor(DIRECTOR), case_id)
    assert (view.case.assignee_role, view.case.assignee_staff_id) == ("director", director)


async def _refused(step: Awaitable[object]) -> str:
    with pytest.raises(Refused) as caught:
        await step
    return caught.value.reason


async def test_a_second_extension_within_two_months_counted_from_the_day_of_receipt(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _setup(s, clock)
    clock.moment = datetime(2027, 1, 31, 11, 0, tzinfo=UTC)  # Sunday 31 January, 12:00
    case_id = await _case(s, clock, Kind.ACCESS)
    director, teacher = StaffActor(DIRECTOR), StaffActor(TEACHER)
    assert (await s.staff_views.view(director, case_id)).case.due == date(2027, 2, 28)
    told = len(await queued_for(s, PARENT))

    assert await _refused(s.staff_cases.extend(director, case_id, 1, "  ")) == "invalid"
    assert await _refused(s.staff_cases.extend(director, case_id, 3, "Veel werk")) == "invalid"
    clock.moment = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
    first = await s.staff_cases.extend(teacher, case_id, 1, "Het dossier is omvangrijk")
    assert first.extended_due_on == date(2027, 3, 31)  # 31 January + 2 months, not 28 March

    # Past the original date, before the extended one: one more month, never two.
    clock.moment = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    view = await s.staff_views.view(director, case_id)
    assert view.actions.count(Action.EXTEND) == 1
    assert await _refused(s.staff_cases.extend(director, case_id, 2, "Meer")) == "invalid"
    second = await s.staff_cases.extend(director, case_id, 1, "Veel verzoeken tegelijk")
    assert second.due_on == date(2027, 2, 28)
    assert second.extended_due_on == date(2027, 4, 30)  # three months after receipt

    notices = (await queued_for(s, PARENT))[told:]
    assert len(notices) == 2  # the parent is told each time
    assert "woensdag 31 maart 2027, in plaats van zondag 28 februari 2027" in notices[0]
    assert "vrijdag 30 april 2027, in plaats van woensdag 31 maart 2027" in notices[1]
    assert "Veel verzoeken tegelijk" in notices[1]
    for notice in notices:
        assert "één keer" not in notice
        assert "in totaal ten hoogste twee maanden extra" in notice
        assert "veel verzoeken heeft" in notice

    view = await s.staff_views.view(director, case_id)
    assert Action.EXTEND not in view.actions
    assert view.extension_reasons == ["Het dossier is omvangrijk", "Veel verzoeken tegelijk"]
    assert await _refused(s.staff_cases.extend(director, case_id, 1, "Nog meer")) == (
        "not_possible"
    )
    assert [str(c.event) for c in view.timeline].count("extended") == 2


async def test_an_extension_comes_before_the_answer_date_in_force(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _setup(s, clock)
    case_id = await _case(s, clock, Kind.ACCESS)  # due Wednesday 2 December 2026
    director = StaffActor(DIRECTOR)
    clock.moment = datetime(2026, 12, 2, 22, 59, tzinfo=UTC)  # 23:59 on the due date
    await s.staff_cases.extend(director, case_id, 1, "Complex")
    clock.moment = datetime(2027, 1, 2, 23, 0, tzinfo=UTC)  # 00:00, the day after 2 January
    assert await _refused(s.staff_cases.extend(director, case_id, 1, "Te laat")) == (
        "not_possible"
    )


async def test_a_photo_consent_task_is_not_extended_like_a_request(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _setup(s, clock)
    marieke = await link_guardian(s, clock, "Marieke de Jong", PARENT)
    zoe = await student_id(s.db.reader, "L1001")
    change = await s.consents.change(marieke, zoe, {"website": True})
    assert change.case is not None
    view = await s.staff_views.view(StaffActor(TEACHER), change.case.id)
    assert Action.EXTEND not in view.actions
    step = s.staff_cases.extend(StaffActor(TEACHER), change.case.id, 1, "Druk")
    assert await _refused(step) == "not_possible"


def test_the_confirmation_notes_an_answer_date_on_a_weekend_or_in_a_holiday() -> None:
    school = load_school(SCHOOL_TOML)
    with use_language("nl"):
        assert not_a_school_day_note(date(2027, 2, 2), school) is None  # a Tuesday
        weekend = not_a_school_day_note(date(2027, 1, 30), school)
        holiday = not_a_school_day_note(date(2027, 1, 2), school)
    with use_language("en"):
        english = not_a_school_day_note(date(2026, 12, 23), school)
    assert weekend is not None and "die dag valt in het weekend" in weekend
    assert holiday is not None and "die dag valt in de Kerstvakantie" in holiday
    assert "De school mag eerder antwoorden" in holiday
    assert english is not None and "that day falls in the Christmas holidays" in english
