"""On what ground a deletion (AVG art. 17) is refused, fully or in part, and which data can
be kept at all.

While a pupil is at the school, the honest ground is that the data is still needed for the
child's education: the right to erasure applies to data that is no longer needed (art.
17(1)(a)). After leaving, the school keeps data on the grounds of its config, each a legal
duty or the school's own policy. Data given voluntarily (religion) is never kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.schools.config import STILL_NEEDED, SchoolConfig
from storage.people import Student


def at_school(student: Student) -> bool:
    return student.left_at is None


def refusal_grounds(school: SchoolConfig, student: Student) -> list[str]:
    """The grounds a deletion of this child's data may be refused on, the honest one first:
    still needed while the child is at the school, then the grounds to keep data after
    leaving."""
    grounds = [STILL_NEEDED] if at_school(student) else []
    return grounds + [g.key for g in school.retention_grounds]


def keepable(school: SchoolConfig, keys: Sequence[str]) -> list[str]:
    """The categories of ``keys`` the school may keep: never data given voluntarily."""
    return [k for k in keys if (c := school.category(k)) is not None and not c.voluntary]


def voluntary(school: SchoolConfig, keys: Sequence[str]) -> list[str]:
    """The categories of ``keys`` given voluntarily: always deleted on request."""
    return [k for k in keys if (c := school.category(k)) is not None and c.voluntary]
