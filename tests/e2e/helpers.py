"""Steps several end-to-end tests share."""

from __future__ import annotations

from tests.e2e.conftest import guardian_code
from tests.e2e.harness import Harness, Person

BIRTH_DATES = {
    "Inge Mulder": "09-03-2022",
    "Priya Sharma": "21-04-2016",
    "Marieke de Jong": "14-02-2020",
    "James Whitfield": "14-02-2020",
    "Anouk Smit": "05-08-2016",
    "Jelle Hoekstra": "02-12-2014",
}


async def linked_parent(h: Harness, user_id: int, guardian: str, language: str = "nl") -> Person:
    """A parent who has gone through onboarding and sees the main menu."""
    person = h.person(user_id, guardian.split()[0], language)
    await person.send(f"/start {await guardian_code(h, guardian)}")
    await person.send(BIRTH_DATES[guardian])
    await person.tap("Nederlands" if language == "nl" else "English")
    return person
