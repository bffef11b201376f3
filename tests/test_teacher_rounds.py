"""The rules behind the teacher's screens of a consent round: names paged to fit a phone,
a child tapped in a photo check is one of the groups' pupils, and every text shows a
hostile name as text."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable

import pytest

from bot.domain.consent_csv import consent_csv
from bot.domain.consent_lists import Appearance, ConsentLists
from bot.domain.model import Refused
from bot.domain.rounds.model import Audience
from bot.domain.rounds.paper import GuardianChoice
from bot.domain.staff_base import StaffActor
from bot.domain.texts import for_teachers_rounds
from bot.emulator import parse_html
from bot.i18n import use_language
from bot.schools.config import load_school
from bot.services import Services
from handlers.staff.name_pages import PAGE, name_page, rows_of
from storage import staff
from storage.db import fetch_all
from storage.people import Student
from tests import round_helpers
from tests.domain_helpers import link_staff, student_id
from tests.support import SCHOOL_TOML, FakeClock


def test_a_group_of_thirty_is_two_pages_of_two_names_a_row() -> None:
    first = name_page(30, 0)
    assert (first.start, first.end, first.pages) == (0, PAGE, 2)
    assert not first.has_previous and first.has_next
    second = name_page(30, 1)
    assert (second.start, second.end) == (PAGE, 30)
    assert second.has_previous and not second.has_next
    assert len(rows_of(list(range(PAGE)))) == PAGE // 2
    assert rows_of([1, 2, 3]) == [[1, 2], [3]]


@pytest.mark.parametrize(
    ("count", "pages", "last_page"),
    [
        (0, 1, (0, 0)),
        (1, 1, (0, 1)),
        (20, 1, (0, 20)),
        (25, 1, (0, 25)),
        (26, 2, (20, 26)),
        (41, 2, (20, 41)),
        (46, 3, (40, 46)),
    ],
)
def test_a_few_names_stay_on_the_page_before(
    count: int, pages: int, last_page: tuple[int, int]
) -> None:
    last = name_page(count, 99)  # a page beyond the last (a stale button) is the last
    assert last.pages == pages and (last.start, last.end) == last_page
    assert name_page(count, -3).number == 0
    shown = [
        i for n in range(pages) for i in range(name_page(count, n).start, name_page(count, n).end)
    ]
    assert shown == list(range(count))


async def test_a_child_tapped_in_a_photo_check_is_one_of_the_groups_pupils(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    teacher = StaffActor(7001)
    [group] = await s.photo_checks.groups(teacher)
    zoe = await student_id(s.db.reader, "L1001")
    lotte = await student_id(s.db.reader, "L1007")  # group 7
    assert (await s.photo_checks.pupil(teacher, [group.id], zoe)).first_name == "Zoë"
    for child in (lotte, 999999):
        with pytest.raises(Refused, match="not_allowed"):
            await s.photo_checks.pupil(teacher, [group.id], child)
    rows = await fetch_all(
        s.db.reader, "SELECT details FROM audit_events WHERE action = 'consents.refused'"
    )
    assert [json.loads(r[0])["reason"] for r in rows] == ["photo_check_not_their_pupil"] * 2
    assert all("Lotte" not in r[0] for r in rows)


HOSTILE = ['<a href="https://x">x</a>', "Jansen & Zn &amp; Co", "<Zoon>", "Sanne\u202eennaS"]
PLAIN = {  # button labels and lines without names: plain text or fixed HTML
    "pupil_name",
    "check_button",
    "previous_page",
    "next_page",
    "check_nobody_chosen",
    "check_not_theirs",
    "check_unknown_purpose",
    "check_not_open",
    "check_buttons_only",
    "check_again",
    "record_paper_button",
    "pupils_button",
    "check_photo_button",
    "back_to_list",
    "back_to_pupil",
    "yes",
    "no",
    "review_button",
    "confirm_button",
    "change_button",
    "cancel_button",
    "paper_nothing_ticked",
    "paper_already_recorded",
    "paper_not_theirs",
    "paper_not_on_form",
    "paper_buttons_only",
}


def _teacher_texts(name: str) -> dict[str, Callable[[], str]]:
    school = load_school(SCHOOL_TOML)
    student = Student(1, 1, "L1", name, name, "mac", 3, name, None)
    purposes = list(school.consent_purposes)
    chosen = {"website": True, "school_photographer": False}
    states = {"website": Appearance.ALLOWED, "school_photographer": Appearance.DISAGREE}
    guardians = [GuardianChoice(1, name, True), GuardianChoice(2, name, False)]
    t = for_teachers_rounds
    return {
        "check_purpose_text": lambda: t.check_purpose_text(name),
        "check_screen_text": lambda: t.check_screen_text(
            school.photo_purposes[0], [name, "5"], [student, student], 30, 1, 20
        ),
        "pupils_text": lambda: t.pupils_text(name, 30, 21, 30),
        "pupil_text": lambda: t.pupil_text(student, school, states, guardians),
        "who_signed_text": lambda: t.who_signed_text(student),
        "paper_form_text": lambda: t.paper_form_text(student, name, purposes, chosen),
        "paper_review_text": lambda: t.paper_review_text(student, name, purposes, chosen),
        "paper_recorded_text": lambda: t.paper_recorded_text(
            student, name, purposes, chosen, states
        ),
    }


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", HOSTILE, ids=["link", "amp", "tag", "rtl"])
def test_every_teacher_text_shows_a_hostile_name_as_text(language: str, name: str) -> None:
    with use_language(language):
        for template, render in _teacher_texts(name).items():
            parsed = parse_html(render())  # raises as Telegram refuses the message
            assert name in parsed.text, template
            assert "text_link" not in {e["type"] for e in parsed.entities}, template
        for template in PLAIN:
            text = getattr(for_teachers_rounds, template)
            if not inspect.signature(text).parameters:
                parse_html(text())


def test_no_teacher_template_is_left_out() -> None:
    public = {
        name
        for name, value in inspect.getmembers(for_teachers_rounds, inspect.isfunction)
        if not name.startswith("_") and value.__module__ == for_teachers_rounds.__name__
    }
    assert public - set(_teacher_texts("x")) - PLAIN == set()


async def test_the_groups_table_says_per_child_whether_the_open_round_was_answered(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await round_helpers.director(s, clock)
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    people = await round_helpers.parents(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    arjun = await student_id(s.db.reader, "L1004")
    # Arjun's mother answered before the round: a round for the unanswered does not ask her.
    await s.consents.change(
        people[round_helpers.PRIYA], arjun, {"website": True, "newsletter": False}
    )
    round_ = await round_helpers.start(s, clock, audience=Audience.UNANSWERED)
    await s.consents.change(people[round_helpers.JAMES], zoe, {"newsletter": False})
    lists = ConsentLists(s.db, s.keys, s.clock, s.school_by_id)
    members = [m for m in [await staff.get(s.db.reader, anna)] if m is not None]
    table = await lists.table(7001, members, (await lists.groups(members))[0].id)
    answers = await lists.round_answers(table)
    assert [(r.number, a) for r, a in answers] == [(round_.number, {zoe: True})]
    with use_language("en"):
        rows = consent_csv(table, answers).decode("utf-8-sig").splitlines()
    assert rows[0].endswith(";Consent round 1")
    assert rows[1].startswith("Arjun Sharma;3;") and rows[1].endswith(";not asked")
    assert rows[2].startswith("Zoë de Jong;3;") and rows[2].endswith(";answered")


async def test_a_paper_form_has_the_purposes_of_the_round_that_printed_it(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await round_helpers.director(s, clock)
    people = await round_helpers.parents(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    james = people[round_helpers.JAMES].guardian_ids[0]
    assert await s.paper_answers.form_purposes(zoe, james) is None  # no round: every purpose
    round_ = await round_helpers.start(s, clock, purposes=("newsletter", "school_photographer"))
    found = await s.paper_answers.form_purposes(zoe, james)
    assert found is not None
    number, purposes = found
    assert number == round_.number
    assert [p.key for p in purposes] == ["newsletter", "school_photographer"]
    # A guardian the round does not ask (Arjun's mother, about Zoë): every purpose.
    assert (
        await s.paper_answers.form_purposes(zoe, people[round_helpers.PRIYA].guardian_ids[0])
        is None
    )
