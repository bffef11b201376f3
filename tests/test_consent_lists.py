"""Who may not appear in photos, per group and purpose: the rule, who may look, the CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from bot.domain.consent_csv import consent_csv
from bot.domain.consent_lists import (
    Appearance,
    ConsentLists,
    GroupRef,
    GroupTable,
    PupilRow,
    appearance,
)
from bot.domain.model import Refused
from bot.emulator import parse_html, utf16_len
from bot.i18n import use_language
from bot.schools.config import load_school
from bot.services import Services
from handlers.render import TELEGRAM_LIMIT, split_html
from handlers.staff.consents import list_lines
from storage import audit_events, people, staff
from storage.people import Student
from tests.domain_helpers import link_guardian, link_staff, student_id
from tests.support import SCHOOL_TOML, FakeClock


def test_the_list_rule_is_the_parents_rule() -> None:
    assert appearance([]) is Appearance.UNKNOWN
    assert appearance([True]) is Appearance.ALLOWED
    assert appearance([True, True]) is Appearance.ALLOWED
    assert appearance([False]) is Appearance.REFUSED
    assert appearance([False, False]) is Appearance.REFUSED
    assert appearance([True, False]) is Appearance.DISAGREE
    assert appearance([False, True]) is Appearance.DISAGREE


async def _member(s: Services, staff_id: int) -> staff.StaffMember:
    member = await staff.get(s.db.reader, staff_id)
    assert member is not None
    return member


def _lists(s: Services) -> ConsentLists:
    return ConsentLists(s.db, s.keys, s.clock, s.school_by_id)


async def test_a_teacher_sees_their_group_with_disagreeing_parents_and_not_who_left(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    teacher = await _member(s, await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001))
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    james = await link_guardian(s, clock, "James Whitfield", 5002)
    priya = await link_guardian(s, clock, "Priya Sharma", 5004)
    zoe = await student_id(s.db.reader, "L1001")
    arjun = await student_id(s.db.reader, "L1004")
    await s.consents.change(marieke, zoe, {"website": True, "newsletter": True})
    await s.consents.change(james, zoe, {"website": False})
    await s.consents.change(priya, arjun, {"website": True, "class_app": False})

    lists = _lists(s)
    groups = await lists.groups([teacher])
    assert [g.name for g in groups] == ["3"]
    table = await lists.table(7001, [teacher], groups[0].id)
    rows = {p.student.first_name: p.states for p in table.pupils}
    assert rows["Zoë"]["website"] is Appearance.DISAGREE
    assert rows["Zoë"]["newsletter"] is Appearance.ALLOWED  # one gave, the other is silent
    assert rows["Zoë"]["school_guide"] is Appearance.UNKNOWN
    assert rows["Arjun"]["website"] is Appearance.ALLOWED
    assert rows["Arjun"]["class_app"] is Appearance.REFUSED
    assert [p.student.first_name for p in table.may_not_appear("website")] == ["Zoë"]
    assert [p.student.first_name for p in table.may_not_appear("school_guide")] == [
        "Arjun",
        "Zoë",
    ]

    # A pupil who left is not in the class any more.
    async with s.db.transaction() as conn:
        await people.mark_left(conn, arjun, "2026-11-02T09:00:00.000000+00:00")
    table = await lists.table(7001, [teacher], groups[0].id)
    assert [p.student.first_name for p in table.pupils] == ["Zoë"]

    # A guardian the roster no longer links to Zoë no longer counts: James's refusal goes.
    async with s.db.transaction() as conn:
        await people.set_links(conn, set(), {(james.guardian_ids[0], zoe)})
    table = await lists.table(7001, [teacher], groups[0].id)
    assert table.pupils[0].states["website"] is Appearance.ALLOWED


async def test_a_teacher_asking_for_another_group_is_refused_and_it_is_recorded(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    teacher = await _member(s, await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001))
    director = await _member(s, await link_staff(s, clock, "J. de Vries", "director", [], 7002))
    lists = _lists(s)
    all_groups = await lists.groups([director])
    assert [g.name for g in all_groups] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    group_5 = next(g for g in all_groups if g.name == "5")
    before = await audit_events.last(s.db.reader)
    with pytest.raises(Refused, match="not_allowed"):
        await lists.table(7001, [teacher], group_5.id)
    with pytest.raises(Refused, match="not_allowed"):
        await lists.table(7001, [teacher], 999_999)  # no such group at all
    events = [e async for e in audit_events.iterate(s.db.reader) if e.id > before[0]]
    assert [e.action for e in events] == ["consents.refused", "consents.refused"]
    assert "Anna" not in str(events)
    # The director may see group 5: both pupils, nobody answered.
    table = await lists.table(7002, [director], group_5.id)
    assert {p.student.first_name for p in table.pupils} == {"Daniël", "Ömer"}
    assert all(st is Appearance.UNKNOWN for p in table.pupils for st in p.states.values())
    # A privacy officer is not given a list with names, only counts.
    officer = await _member(
        s, await link_staff(s, clock, "F. Gerritsen", "privacy_officer", [], 7003)
    )
    assert await lists.groups([officer]) == []
    with pytest.raises(Refused, match="not_allowed"):
        await lists.table(7003, [officer], group_5.id)
    counts = await lists.counts([officer])
    assert [(c.school.slug, c.pupils) for c in counts] == [("cbs-klimop", 12)]
    assert set(counts[0].allowed.values()) == {0}


async def test_the_csv_opens_in_dutch_excel_and_holds_no_birth_dates(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    teacher = await _member(s, await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001))
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.consents.change(marieke, zoe, {"website": True})
    lists = _lists(s)
    table = await lists.table(7001, [teacher], (await lists.groups([teacher]))[0].id)
    with use_language("nl"):
        data = consent_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Leerling",
        "Groep",
        "Website van de school",
        "Nieuwsbrief",
        "Schoolgids",
        "Sociale media",
        "Klassenapp (ouderapp)",
        "Schoolfotograaf",
    ]
    assert rows[1][-1] == "gegevens gaan niet mee (geen antwoord)"
    assert rows[1][:3] == ["Arjun Sharma", "3", "mag er niet op (geen antwoord)"]
    assert rows[2][:3] == ["Zoë de Jong", "3", "mag erop (toestemming)"]
    assert "2019" not in text and "2020" not in text  # no birth dates
    assert text.count("\r\n") == 3

    # A name that looks like a formula is shown as text, never run.
    evil = replace(
        table,
        pupils=[
            replace(
                table.pupils[0],
                student=replace(table.pupils[0].student, first_name="=HYPERLINK(1)"),
            )
        ],
    )
    with use_language("en"):
        rows = list(csv.reader(io.StringIO(consent_csv(evil).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Pupil" and rows[1][0].startswith("'=HYPERLINK")


def test_a_long_list_is_split_under_telegrams_limit_without_losing_a_name() -> None:
    school = load_school(SCHOOL_TOML)
    pupils = [
        PupilRow(
            Student(i, 1, f"L{i}", f"Émilie-<{i}>", "van der Heijden-Ğ" * 3, "x", 1, "3", None),
            dict.fromkeys((p.key for p in school.photo_purposes), Appearance.UNKNOWN),
        )
        for i in range(60)
    ]
    table = GroupTable(GroupRef(1, 1, "3"), school, pupils)
    with use_language("nl"):
        parts = split_html("\n".join(list_lines(table, None)))
    assert len(parts) > 1
    assert all(utf16_len(parse_html(p).text) <= TELEGRAM_LIMIT for p in parts)
    joined = "".join(parts)
    for i in range(60):
        assert joined.count(f"Émilie-&lt;{i}&gt;") == 5  # once per purpose, escaped
