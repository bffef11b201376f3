"""Objection (AVG art. 21) is for data the school uses on its own grounds (a legal duty, its
public task). Data it uses only with the parent's consent (photos, data given voluntarily
such as religion) needs no objection: withdrawing the consent, or having the data deleted,
is the right tool, and takes effect without the school weighing anything."""

from __future__ import annotations

from bot.schools.config import DataCategory, SchoolConfig


def rests_on_consent(category: DataCategory) -> bool:
    return category.photo_consent or category.voluntary


def objectable(school: SchoolConfig) -> list[DataCategory]:
    """The categories a parent can object to."""
    return [c for c in school.categories if not rests_on_consent(c)]


def on_consent(school: SchoolConfig) -> list[DataCategory]:
    """The categories used only with the parent's consent."""
    return [c for c in school.categories if rests_on_consent(c)]
