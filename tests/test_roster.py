from __future__ import annotations

from datetime import date

import pytest

from bot.schools.roster import RosterError, import_roster, parse_roster
from bot.services import Services
from storage import people, schools
from tests.support import ROSTER_CSV, FakeClock

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


def test_missing_columns_and_non_utf8_are_refused() -> None:
    with pytest.raises(RosterError, match=r"\(1 problem\)") as caught:
        parse_roster(b"student_id,first_name\nL1,Zo\n", TODAY)
    assert "missing column(s): last_name" in caught.value.problems[0]
    with pytest.raises(RosterError) as caught:
        parse_roster(HEADER.encode() + "L1,Zo\xeb".encode("latin-1"), TODAY)
    assert "UTF-8" in caught.value.problems[0]


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
