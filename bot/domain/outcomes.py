"""Which outcomes a case can end with, by its kind and the data it is about.

A correction of a fact is corrected; only a professional judgement (a category the config
marks ``judgements``) can instead be closed with the parent's statement added (AVG art. 16).
A partial deletion needs something the school may keep: never data given voluntarily.
"""

from __future__ import annotations

from bot.domain.case_details import category_keys
from bot.domain.erasure import keepable
from bot.domain.model import Case, Outcome
from bot.domain.transitions import OUTCOMES
from bot.schools.config import SchoolConfig


def about_judgements(case: Case, school: SchoolConfig) -> bool:
    """Whether the data a request is about can hold professional judgements."""
    return any(
        (c := school.category(k)) is not None and c.judgements for k in category_keys(case.details)
    )


def possible_outcomes(case: Case, school: SchoolConfig) -> list[str]:
    """The outcomes ``case`` can be answered with, in the order staff see them."""
    keys = category_keys(case.details)
    found: list[str] = []
    for outcome in OUTCOMES[case.kind]:
        if outcome == Outcome.STATEMENT_ADDED and not about_judgements(case, school):
            continue
        if outcome == Outcome.PARTLY_ERASED and not keepable(school, keys):
            continue
        found.append(outcome)
    return found
