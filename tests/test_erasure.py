"""The grounds a deletion can be refused on depend on whether the child is still at the
school; data given voluntarily is never kept."""

from __future__ import annotations

from bot.domain.erasure import keepable, refusal_grounds, voluntary
from bot.schools.config import load_school
from storage.people import Student
from tests.support import SCHOOL_TOML


def _student(left_at: str | None) -> Student:
    return Student(1, 1, "L1", "Zoë", "de Jong", "mac", 3, "3", left_at)


def test_still_needed_is_the_first_ground_only_while_the_child_is_at_the_school() -> None:
    school = load_school(SCHOOL_TOML)
    assert refusal_grounds(school, _student(None)) == [
        "still_needed",
        "administratie",
        "leerlingdossier",
    ]
    assert refusal_grounds(school, _student("2026-07-10T10:00:00+00:00")) == [
        "administratie",
        "leerlingdossier",
    ]


def test_voluntary_data_is_never_keepable() -> None:
    school = load_school(SCHOOL_TOML)
    asked = ["progress", "religion", "unknown"]
    assert keepable(school, asked) == ["progress"]
    assert voluntary(school, asked) == ["religion"]
