"""Consent for passing pupil data to another organisation (an exchange), beside the photo
purposes: the same rules, and an end date that ends it by itself."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.consent_csv import consent_csv
from bot.domain.consent_lists import Appearance, ConsentLists
from bot.errors import ConfigError
from bot.i18n import use_language
from bot.schools.config import ExchangePurpose, load_school
from bot.services import Services
from storage import staff
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import SCHOOL_TOML, FakeClock


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SCHOOL_TOML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "school.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_example_has_an_exchange_beside_the_photo_purposes() -> None:
    school = load_school(SCHOOL_TOML)
    keys = [p.key for p in school.consent_purposes]
    assert keys[: len(school.photo_purposes)] == [p.key for p in school.photo_purposes]
    photographer = school.consent_purpose("school_photographer")
    assert isinstance(photographer, ExchangePurpose) and photographer.kind == "exchange"
    assert photographer.valid_until == date(2027, 7, 16)
    assert not photographer.ended(date(2027, 7, 16)) and photographer.ended(date(2027, 7, 17))
    # The photo purposes keep their own lookup; an exchange is no photo purpose.
    assert school.purpose("school_photographer") is None
    assert school.rounds.reminder_days == [5, 10]


def test_an_exchange_key_may_not_repeat_a_photo_purpose(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'key = "school_photographer"', 'key = "website"')
    with pytest.raises(ConfigError, match=r"exchange_purposes\.0\.key: 'website' is also"):
        load_school(path)


def test_an_exchange_names_organisation_data_and_why(tmp_path: Path) -> None:
    text = SCHOOL_TOML.read_text(encoding="utf-8")
    start = text.index('organisation.nl = "Fotostudio')
    end = text.index("\n", text.index('organisation.en = "Fotostudio'))
    path = tmp_path / "school.toml"
    path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    with pytest.raises(ConfigError, match=r"exchange_purposes\.0\.organisation: missing"):
        load_school(path)


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        ("[10, 5]", "must increase"),
        ("[5, 10, 15]", "at most 2 items"),
        ("[0]", "greater than or equal to 1"),
        ("[61]", "less than or equal to 60"),
    ],
)
def test_reminder_days_are_checked(tmp_path: Path, days: str, problem: str) -> None:
    path = _variant(tmp_path, "reminder_days = [5, 10]", f"reminder_days = {days}")
    with pytest.raises(ConfigError, match=r"rounds\.reminder_days") as caught:
        load_school(path)
    assert problem in str(caught.value)


def test_no_reminders_and_no_rounds_section_are_fine(tmp_path: Path) -> None:
    assert load_school(_variant(tmp_path, "[5, 10]", "[]")).rounds.reminder_days == []
    default = load_school(_variant(tmp_path, "[rounds]\nreminder_days = [5, 10]\n", ""))
    assert default.rounds.reminder_days == [5, 10]


async def test_exchange_consent_follows_the_photo_rules_and_ends_by_itself(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    james = await link_guardian(s, clock, "James Whitfield", 5002)
    zoe = await student_id(s.db.reader, "L1001")

    # The photo screen keeps its five purposes; every purpose adds the exchange.
    assert [st.key for st in await s.consents.states(marieke, zoe)][-1] == "class_app"
    states = {st.key: st for st in await s.consents.all_states(marieke, zoe)}
    assert states["school_photographer"].own is None
    assert not states["school_photographer"].effective  # silence is not consent

    change = await s.consents.change(marieke, zoe, {"school_photographer": True})
    assert change.changes == {"school_photographer": True}
    states = {st.key: st for st in await s.consents.all_states(james, zoe)}
    assert states["school_photographer"].effective
    told = (await queued_for(s, 5002))[-1]
    # Not "photo consent": it was data passed on that changed.
    assert "heeft zijn of haar toestemming gewijzigd" in told
    assert "Schoolfotograaf: gegevens mogen mee" in told
    teacher = (await queued_for(s, 7001))[-1]
    assert "de gegevens van Zoë mogen nu naar Fotostudio De Lens (voorbeeld)" in teacher

    await s.consents.change(james, zoe, {"school_photographer": False})
    teacher = (await queued_for(s, 7001))[-1]
    assert "Geef geen gegevens van Zoë meer door aan Fotostudio De Lens" in teacher
    assert "vraag hun te verwijderen" in teacher
    await s.consents.change(james, zoe, {"school_photographer": True})
    assert {st.key: st for st in await s.consents.all_states(james, zoe)}[
        "school_photographer"
    ].effective

    # After its last day the exchange applies to nobody, whatever was answered; answering
    # it then records nothing.
    clock.moment = datetime(2027, 7, 17, 8, 0, tzinfo=UTC)
    states = {st.key: st for st in await s.consents.all_states(marieke, zoe)}
    assert states["school_photographer"].ended
    assert states["school_photographer"].own is True
    assert not states["school_photographer"].effective
    assert (await s.consents.change(marieke, zoe, {"school_photographer": False})).case is None


async def test_the_teachers_list_and_csv_show_the_exchange(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.consents.change(marieke, zoe, {"school_photographer": True})
    member = await staff.get(s.db.reader, anna)
    assert member is not None
    lists = ConsentLists(s.db, s.keys, clock, s.school_by_id)
    group = (await lists.groups([member]))[0]
    table = await lists.table(7001, [member], group.id)
    by_name = {p.student.first_name: p for p in table.pupils}
    assert by_name["Zoë"].states["school_photographer"] == Appearance.ALLOWED
    assert by_name["Arjun"].states["school_photographer"] == Appearance.UNKNOWN
    with use_language("en"):
        rows = list(csv.reader(io.StringIO(consent_csv(table).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "School photographer"
    assert [r[-1] for r in rows[1:]] == [
        "not passed on (no answer)",
        "data may be passed on (consent)",
    ]

    clock.moment = datetime(2027, 7, 17, 8, 0, tzinfo=UTC)
    table = await lists.table(7001, [member], group.id)
    assert {p.states["school_photographer"] for p in table.pupils} == {Appearance.ENDED}
    assert not table.pupils[1].may_appear("school_photographer")
    counts = await lists.counts(
        [m for m in [await staff.get(s.db.reader, await _officer(s, clock))] if m is not None]
    )
    assert counts[0].allowed["school_photographer"] == 0


async def _officer(s: Services, clock: FakeClock) -> int:
    return await link_staff(s, clock, "F. Gerritsen", "privacy_officer", [], 7003)
