from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.domain.staff_base import StaffActor
from bot.schools.invitations import issue_staff_code
from bot.schools.roster import RosterError, import_roster, parse_roster
from bot.schools.roster_plan import plan_roster
from bot.services import Services
from storage import cases, outbox, people, schools
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import ROSTER_CSV, FakeClock, new_school_year_roster

TODAY = date(2026, 11, 2)
HEADER = (
    "student_id,first_name,last_name,birth_date,group,guardian_id,guardian_name,"
    "guardian_email,guardian_language\n"
)


def test_the_example_roster_parses() -> None:
    rows = parse_roster(ROSTER_CSV.read_bytes(), TODAY)
    assert len(rows) == 16
    assert {r.student_id for r in rows} >= {"L1001", "L1004", "L1005"}


def test_bom_semicolons_and_dutch_dates_as_spreadsheets_export_them() -> None:
    data = (
        "\ufeff"
        + HEADER.replace(",", ";")
        + "L1;Zoë;de Jong;14-02-2020;3;O1;Marieke de Jong;;NL\r\n"
    ).encode("utf-8")
    [row] = parse_roster(data, TODAY)
    assert row.birth_date == date(2020, 2, 14)
    assert row.first_name == "Zoë"
    assert row.guardian_language == "nl"
    assert row.guardian_email == ""


@pytest.mark.parametrize(
    "written", ["14-2-2020", "14-02-2020", "14/2/2020", "14.2.2020", "14-2-20", "2020-02-14"]
)
def test_dates_as_dutch_excel_writes_them(written: str) -> None:
    """The roster reads dates with the same parser the bot uses for parents."""
    data = (HEADER + f"L1,Zoë,de Jong,{written},3,O1,Marieke de Jong,,nl\n").encode()
    [row] = parse_roster(data, TODAY)
    assert row.birth_date == date(2020, 2, 14)


def test_a_date_in_the_future_or_before_2000_says_so() -> None:
    data = (
        HEADER
        + "L1,Zoë,de Jong,14-2-2030,3,O1,Marieke,,nl\n"
        + "L2,Bo,Bakker,14-2-1995,3,O2,Esther,,nl\n"
        + "L3,Sem,Mulder,31-2-2020,3,O3,Inge,,nl\n"
    ).encode()
    with pytest.raises(RosterError) as caught:
        parse_roster(data, TODAY)
    assert caught.value.problems == [
        "line 2: birth_date '14-2-2030' is in the future",
        "line 3: birth_date '14-2-1995' is before 2000: not a primary school pupil's "
        "date of birth",
        "line 4: birth_date '31-2-2020' is not a date (write the day, month and year, "
        "for example 14-2-2020 or 2020-02-14)",
    ]


def test_every_problem_is_listed_by_line() -> None:
    data = (
        HEADER
        + "L1,Zoë,de Jong,2020-02-31,3,O1,Marieke,m@x.example,nl\n"
        + "L2,,Bakker,2019-01-01,4,O2,Esther,e@x.example,fr\n"
        + "L3,Sem,Mulder,2019-01-01,4,O3,Inge,not-an-email,en\n"
        + "L4,Fenna,Smit,2019-01-01,4,O5,Jelle,j@x.example,en\n"
        + "L4,Fenna,Smit,2019-01-01,5,O4,Jan,j@x.example,en\n"
    ).encode()
    with pytest.raises(RosterError) as caught:
        parse_roster(data, TODAY)
    problems = "\n".join(caught.value.problems)
    assert "line 2: birth_date '2020-02-31'" in problems
    assert "line 3: first_name is empty" in problems
    assert "line 3: guardian_language 'fr'" in problems
    assert "line 4: guardian_email 'not-an-email'" in problems
    assert "line 6: student L4 differs from line 5" in problems


def test_missing_columns_are_named() -> None:
    with pytest.raises(RosterError, match=r"\(1 problem\)") as caught:
        parse_roster(b"student_id,first_name\nL1,Zo\n", TODAY)
    assert "missing column(s): last_name" in caught.value.problems[0]


def test_the_csv_dutch_excel_writes_by_default_is_read() -> None:
    """Excel with Dutch settings saves "CSV (gescheiden door lijstscheidingsteken)" in
    Windows-1252, with semicolons: ë, é, ï and ö are single bytes that are not UTF-8."""
    text = (
        HEADER.replace(",", ";")
        + "L1;Zoë;de Jong;14-2-2020;3;O1;Marieke de Jong;;nl\r\n"
        + "L2;Daniël;Müller;3-11-2017;5;O2;Chloé Müller-Groß;;en\r\n"
    )
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    zoe, daniel = parse_roster(data, TODAY)
    assert zoe.first_name == "Zoë"
    assert (daniel.first_name, daniel.last_name) == ("Daniël", "Müller")
    assert daniel.guardian_name == "Chloé Müller-Groß"


def test_a_letter_the_old_csv_format_cannot_hold_is_not_imported_as_a_question_mark() -> None:
    """ş and ı are not in Windows-1252: Excel writes '?' for them. The line is refused with
    how to save the file instead, never imported as "Ay?e"."""
    text = HEADER + "L1,Ömer,Yılmaz,22-5-2018,5,O1,Ayşe Yılmaz,,nl\n"
    data = text.encode("cp1252", errors="replace")
    assert b"Ay?e Y?lmaz" in data
    with pytest.raises(RosterError) as caught:
        parse_roster(data, TODAY)
    assert caught.value.problems == [
        f"line 2: {field} {value!r} has a '?' where a letter was lost: the file was saved in "
        "a format that cannot hold every letter (such as ş or ı); save it as 'CSV UTF-8' or "
        "as an Excel workbook (.xlsx)"
        for field, value in (("last_name", "Y?lmaz"), ("guardian_name", "Ay?e Y?lmaz"))
    ]
    # Saved as UTF-8, the same names are imported as they are.
    [row] = parse_roster(text.encode("utf-8"), TODAY)
    assert (row.last_name, row.guardian_name) == ("Yılmaz", "Ayşe Yılmaz")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x81\x8d\x8f\x90\x9d" * 10, "the file is not text that can be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an old Excel workbook (.xls)"),
        (b"PK\x03\x04" + b"\0" * 100, "cannot be read as an Excel workbook"),
        (HEADER.encode() + b'L1,"Zo\n' + b"x" * 200_000, "not CSV that can be read"),
        (b"", "the file has no rows"),
        (b"\n\n;;;\n", "the file has no rows"),
    ],
)
def test_a_file_that_is_not_a_roster_is_one_clear_problem(data: bytes, expected: str) -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster(data, TODAY)
    [problem] = caught.value.problems
    assert expected in problem


DUTCH_HEADER = (
    "Leerlingnummer;Voornamen;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep;"
    "Oudernummer;Naam ouder;E-mailadres ouder;Taal ouder\n"
)


def test_dutch_column_names_as_the_administration_exports_them() -> None:
    data = (
        DUTCH_HEADER
        + "L1;Zoë Maria;Zoë;de;Jong;14-02-2020;Groep 3;O1;Marieke de Jong;m@x.example;NL\n"
        + "L2;Daniël Johannes;Daan;van den;Berg;03-11-2017;groep5;O2;Sanne;;Engels\n"
    ).encode("utf-8")
    zoe, daan = parse_roster(data, TODAY)
    # Roepnaam (the name the child is called) before Voornamen; the tussenvoegsel joins
    # the last name; "Groep 3" is group 3.
    assert (zoe.first_name, zoe.last_name, zoe.group) == ("Zoë", "de Jong", "3")
    assert (daan.first_name, daan.last_name, daan.group) == ("Daan", "van den Berg", "5")
    assert (zoe.guardian_language, daan.guardian_language) == ("nl", "en")
    assert zoe.guardian_email == "m@x.example"


def test_an_excel_workbook_is_read_like_a_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c for c in DUTCH_HEADER.strip().split(";")])
    sheet.append(
        [
            1001,
            "Zoë Maria",
            "Zoë",
            "de",
            "Jong",
            datetime(2020, 2, 14),
            "Groep 3",
            2001,
            "Marieke de Jong",
            "marieke@x.example",
            "nl",
        ]
    )
    sheet.append([None] * 11)  # an empty row in between is skipped
    sheet.append(
        ["L1003", None, "Ömer", None, "Yılmaz", "22-5-2018", 5, "O2005", "Ayşe Yılmaz", None, "nl"]
    )
    sheet.append(
        ["L1004", None, "Arjun", None, "Sharma", "31-2-2019", 3, "O7", "Priya", None, "en"]
    )
    path = tmp_path / "roster.xlsx"
    book.save(path)
    with pytest.raises(RosterError) as caught:
        parse_roster(path.read_bytes(), TODAY)
    # Problems carry the spreadsheet's row number.
    assert caught.value.problems == [
        "line 5: birth_date '31-2-2019' is not a date (write the day, month and year, "
        "for example 14-2-2020 or 2020-02-14)"
    ]
    sheet.delete_rows(5)
    book.save(path)
    zoe, omer = parse_roster(path.read_bytes(), TODAY)
    assert (zoe.student_id, zoe.first_name, zoe.last_name) == ("1001", "Zoë", "de Jong")
    assert (zoe.birth_date, zoe.group, zoe.guardian_id) == (date(2020, 2, 14), "3", "2001")
    assert (omer.last_name, omer.guardian_name, omer.group) == ("Yılmaz", "Ayşe Yılmaz", "5")
    assert omer.guardian_email == ""


@pytest.mark.parametrize("written", ["Groep 5", "groep5", " GROEP  5 ", "group 5", "5"])
def test_groep_5_is_group_5(written: str) -> None:
    data = (
        HEADER
        + f"L1,Daan,Berg,2017-11-03,{written},O1,Sanne,,nl\n"
        + "L1,Daan,Berg,2017-11-03,5,O2,Pieter,,nl\n"
    ).encode()
    first, second = parse_roster(data, TODAY)
    assert first.group == second.group == "5"


def test_problems_are_listed_in_line_order() -> None:
    data = (
        HEADER
        + "L1,Zoë,de Jong,2020-02-14,3,O1,Marieke,,nl\n"
        + "L1,Zoë,de Jong,2020-02-14,4,O2,James,,en\n"  # line 3: differs from line 2
        + "L2,Bo,Bakker,2019-01-01,4,O3,Esther,,fr\n"  # line 4: language
        + "L3,Sem,Mulder,2019-01-01,4,O1,Marieke de Jong,,nl\n"  # line 5: differs
    ).encode()
    with pytest.raises(RosterError) as caught:
        parse_roster(data, TODAY)
    assert caught.value.problems == [
        "line 3: student L1 differs from line 2",
        "line 4: guardian_language 'fr' is not 'nl' or 'en'",
        "line 5: guardian O1 differs from line 2",
    ]


def test_control_and_direction_characters_in_a_name_are_refused() -> None:
    data = (
        HEADER
        + "L1,Zo\x00e,de Jong,2020-02-14,3,O1,Marieke,,nl\n"
        + "L2,Bo,Bakker,2019-01-01,4,O2,Esther \u202egnoJ,,nl\n"
        + "L3,Sem,Mulder,2019-01-01,4,O3,\u0641\u0627\u0637\u0645\u0629 \u200f,,nl\n"
    ).encode()
    with pytest.raises(RosterError) as caught:
        parse_roster(data, TODAY)
    assert caught.value.problems == [
        "line 2: first_name 'Zo\\x00e' has a control character",
        "line 3: guardian_name 'Esther \\u202egnoJ' has a character that turns the text "
        "around (U+202E)",
    ]


async def test_import_then_reimport_is_idempotent_and_marks_leavers(
    services: Services, clock: FakeClock
) -> None:
    school = services.school("cbs-klimop")
    rows = parse_roster(ROSTER_CSV.read_bytes(), TODAY)
    first = await import_roster(services.db, services.keys, clock, school, rows)
    assert (first.added, first.updated, first.left) == (12, 0, 0)
    again = await import_roster(services.db, services.keys, clock, school, rows)
    assert (again.added, again.updated, again.left, again.unchanged) == (0, 0, 0, 12)

    text = ROSTER_CSV.read_text(encoding="utf-8")
    changed = "\n".join(
        line.replace(",5,O2005", ",6,O2005").replace(",5,O2006", ",6,O2006")
        for line in text.splitlines()
        if not line.startswith("L1012")
    )
    rows = parse_roster(changed.encode(), TODAY)
    third = await import_roster(services.db, services.keys, clock, school, rows)
    assert (third.added, third.updated, third.left) == (0, 1, 1)

    school_id = await schools.find_id(services.db.reader, "cbs-klimop")
    assert school_id is not None
    students = await people.students_by_external_id(services.db.reader, school_id)
    assert students["L1012"].left_at is not None
    assert students["L1003"].group_name == "6"
    assert len(students) == 12


async def test_a_bad_roster_changes_nothing(services: Services, clock: FakeClock) -> None:
    school = services.school("cbs-klimop")
    await import_roster(
        services.db, services.keys, clock, school, parse_roster(ROSTER_CSV.read_bytes(), TODAY)
    )
    bad = ROSTER_CSV.read_bytes() + b"L9999,New,Kid,2019-99-01,3,O9,Someone,,nl\n"
    with pytest.raises(RosterError):
        parse_roster(bad, TODAY)
    school_id = await schools.find_id(services.db.reader, "cbs-klimop")
    assert school_id is not None
    assert "L9999" not in await people.students_by_external_id(services.db.reader, school_id)


async def test_guardian_links_follow_the_file(services: Services, clock: FakeClock) -> None:
    school = services.school("cbs-klimop")
    await import_roster(
        services.db, services.keys, clock, school, parse_roster(ROSTER_CSV.read_bytes(), TODAY)
    )
    conn = services.db.reader
    school_id = await schools.find_id(conn, "cbs-klimop")
    assert school_id is not None
    guardians = await people.guardians_by_external_id(conn, school_id)
    priya = await people.children_of(conn, [guardians["O2007"].id])
    assert [c.first_name for c in priya] == ["Arjun", "Meera"]
    # James Whitfield no longer listed for Zoë: the link goes, Marieke's stays.
    text = ROSTER_CSV.read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if ",O2002," not in line)
    await import_roster(
        services.db, services.keys, clock, school, parse_roster(without.encode(), TODAY)
    )
    assert await people.children_of(conn, [guardians["O2002"].id]) == []
    assert [c.first_name for c in await people.children_of(conn, [guardians["O2001"].id])] == [
        "Zoë"
    ]


TEACHER_3, TEACHER_7, DIRECTOR, ANOUK, JELLE = 7001, 7002, 7003, 5001, 5002


async def test_a_new_school_year_is_shown_before_it_is_applied(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    school = s.school("cbs-klimop")
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], TEACHER_3)
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    # A teacher of group 6 who never linked their account does not count as using the bot.
    await issue_staff_code(
        s.db, s.keys, clock, school, name="Bram Bos", role="teacher", groups=["6"], days=7
    )
    rows = parse_roster(new_school_year_roster().encode(), TODAY)
    school_id = await schools.find_id(s.db.reader, "cbs-klimop")
    plan = await plan_roster(s.db.reader, s.keys, school, school_id, rows)
    assert (plan.moved_up, plan.same_group, plan.added, plan.left) == (9, 1, 3, 2)
    assert (plan.other_group, plan.returned, plan.details_changed) == (0, 0, 0)
    assert sorted(r.first_name for r in plan.new) == ["Lieke", "Mila", "Yusuf"]
    assert [leaver.student.first_name for leaver in plan.leavers] == ["Fenna", "Thijs"]
    assert (plan.guardians, plan.guardians_added, plan.guardians_removed) == (15, 2, 2)
    assert plan.groups == ["1", "2", "3", "4", "6", "7", "8"]
    assert plan.groups_without_teacher == ["1", "2", "4", "6", "7", "8"]
    assert plan.teachers == [("Anna de Wit", ("3",))]  # her group is the old one until updated

    applied = await import_roster(s.db, s.keys, clock, school, rows)
    assert applied == plan
    assert (applied.added, applied.updated, applied.left, applied.unchanged) == (3, 9, 2, 1)
    students = await people.students_by_external_id(s.db.reader, school_id or 0)
    assert students["L1001"].group_name == "4" and students["L1006"].group_name == "4"
    assert students["L1010"].left_at is not None
    # Imported, the same roster changes nothing more.
    again = await plan_roster(s.db.reader, s.keys, school, school_id, rows)
    assert (again.moved_up, again.added, again.left, again.unchanged) == (0, 0, 0, 13)
    assert (again.guardians_added, again.guardians_removed) == (0, 0)


async def _consent_task_cases(s: Services, external_id: str) -> list[tuple[str, int | None, str]]:
    pupil = await student_id(s.db.reader, external_id)
    return [
        (row.assignee_role, row.assignee_staff_id, row.details)
        for row in await cases.for_guardians(s.db.reader, list(range(1, 100)))
        if row.student_id == pupil and row.kind == "consent" and "left_on" in row.details
    ]


async def test_a_pupil_who_leaves_gets_a_takedown_task_for_published_photos(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    school = s.school("cbs-klimop")
    teacher = await link_staff(s, clock, "Bram Bos", "teacher", ["7"], TEACHER_7)
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    anouk = await link_guardian(s, clock, "Anouk Smit", ANOUK)
    thijs = await student_id(s.db.reader, "L1012")
    await s.consents.change(
        anouk,
        thijs,
        {"website": True, "social_media": True, "class_app": True, "newsletter": False},
    )
    # Fenna's father gave no consent: nothing of her was published, so no task.
    await link_guardian(s, clock, "Jelle Hoekstra", JELLE)
    before = {r.ref for r in await outbox.due(s.db.reader, "9999", 1000)}

    rows = parse_roster(new_school_year_roster().encode(), TODAY)
    school_id = await schools.find_id(s.db.reader, "cbs-klimop")
    plan = await plan_roster(s.db.reader, s.keys, school, school_id, rows)
    thijs_leaving = next(p for p in plan.leavers if p.student.first_name == "Thijs")
    # Class app is not public (takedown_on_leaving is false for it in the example config).
    assert thijs_leaving.takedown == ("website", "social_media")
    assert [p.takedown for p in plan.leavers if p.student.first_name == "Fenna"] == [()]
    await import_roster(s.db, s.keys, clock, school, rows)

    [(role, assignee, details)] = await _consent_task_cases(s, "L1012")
    assert (role, assignee) == ("teacher", teacher)
    assert '"takedown": ["website", "social_media"]' in details
    assert await _consent_task_cases(s, "L1010") == []
    # The consent change queued its own task first; the takedown is the newest alert.
    alert = (await queued_for(s, TEACHER_7))[-1]
    assert alert.startswith("<b>Taak fototoestemming 2026-0002</b>\nVoor: Thijs Smit (groep 7)\n")
    assert "Thijs staat niet meer op de leerlingenlijst van de school (sinds 2 november 2026)" in (
        alert
    )
    assert (
        "• <b>Website van de school</b>: gebruik hiervoor geen foto's of video's van Thijs "
        "meer, en haal weg wat al gepubliceerd is." in alert
    )
    assert "<b>Sociale media</b>: gebruik hiervoor geen foto's" in alert
    assert "Klassenapp" not in alert and "Schoolgids" not in alert
    # The parents did not ask for it: it is not among their requests, and they are not told.
    assert [c.number for c in await s.cases.visible_to(anouk)] == ["2026-0001"]  # her own
    assert await queued_for(s, ANOUK) == []
    queued = [
        r.chat_id for r in await outbox.due(s.db.reader, "9999", 1000) if r.ref not in before
    ]
    assert queued == [TEACHER_7]

    # The teacher takes it on and closes it; the parents hear nothing of it either.
    task = next(
        c
        for c in await cases.for_guardians(s.db.reader, list(anouk.guardian_ids))
        if "left_on" in c.details
    )
    await s.staff_cases.take(StaffActor(TEACHER_7), task.id)
    await s.staff_cases.resolve(StaffActor(TEACHER_7), task.id, "done", "Foto's verwijderd.")
    assert await queued_for(s, ANOUK) == []

    # Leaving is noticed once: importing the same roster again adds no task.
    await import_roster(s.db, s.keys, clock, school, rows)
    assert len(await _consent_task_cases(s, "L1012")) == 1


async def test_without_a_teacher_of_the_group_the_takedown_goes_to_the_director(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    director = await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    anouk = await link_guardian(s, clock, "Anouk Smit", ANOUK)
    await s.consents.change(anouk, await student_id(s.db.reader, "L1012"), {"website": True})
    rows = parse_roster(new_school_year_roster().encode(), TODAY)
    await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
    [(role, assignee, details)] = await _consent_task_cases(s, "L1012")
    assert (role, assignee) == ("director", director)
    assert '"takedown": ["website"]' in details
    alert = (await queued_for(s, DIRECTOR))[-1]
    assert "Thijs staat niet meer op de leerlingenlijst" in alert
