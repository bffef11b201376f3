"""Steps several end-to-end tests share."""

from __future__ import annotations

from tests.domain_helpers import BIRTH_DATES
from tests.e2e.conftest import guardian_code
from tests.e2e.harness import Harness, Person


async def linked_parent(h: Harness, user_id: int, guardian: str, language: str = "nl") -> Person:
    """A parent who has gone through onboarding and sees the main menu."""
    person = h.person(user_id, guardian.split()[0], language)
    await person.send(f"/start {await guardian_code(h, guardian)}")
    await person.send(BIRTH_DATES[guardian])
    await person.tap("Nederlands" if language == "nl" else "English")
    return person
