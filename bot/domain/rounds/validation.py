"""Whether a draft can start at a school: every problem, each with what it is about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.domain.free_text import TextProblem, text_problem
from bot.domain.rounds.model import (
    MAX_DAYS_AHEAD,
    MAX_MESSAGE,
    DraftProblem,
    Problem,
    Round,
    RoundDraft,
)
from bot.schools.config import ExchangePurpose, SchoolConfig


def draft_problems(
    draft: RoundDraft,
    school_id: int,
    school: SchoolConfig,
    today: date,
    open_rounds: Sequence[Round],
) -> list[DraftProblem]:
    """What stops ``draft`` from starting at this school today (the school's local day);
    empty when it can start, as far as the draft itself goes (whether anyone would be
    asked is counted separately)."""
    found: list[DraftProblem] = []
    if not draft.purposes:
        found.append(DraftProblem(Problem.NO_PURPOSES, school_id))
    for key in draft.purposes:
        purpose = school.consent_purpose(key)
        if purpose is None:
            found.append(DraftProblem(Problem.UNKNOWN_PURPOSE, school_id, key))
        elif purpose.ended(today):
            found.append(DraftProblem(Problem.PURPOSE_ENDED, school_id, key))
        elif (
            isinstance(purpose, ExchangePurpose)
            and purpose.valid_until is not None
            and draft.closes_on > purpose.valid_until
        ):
            found.append(DraftProblem(Problem.CLOSING_AFTER_PURPOSE_ENDS, school_id, key))
    if draft.closes_on < today:
        found.append(DraftProblem(Problem.CLOSING_IN_THE_PAST, school_id))
    elif draft.closes_on > today + timedelta(days=MAX_DAYS_AHEAD):
        found.append(DraftProblem(Problem.CLOSING_TOO_FAR, school_id))
    for language, text in (("nl", draft.message_nl), ("en", draft.message_en)):
        if text is None:
            continue
        problem = text_problem(text)
        if problem is TextProblem.CONTROL:
            found.append(DraftProblem(Problem.MESSAGE_INVALID, school_id, language=language))
        elif problem is not TextProblem.EMPTY and len(text.strip()) > MAX_MESSAGE:
            found.append(DraftProblem(Problem.MESSAGE_TOO_LONG, school_id, language=language))
    for open_round in open_rounds:
        if open_round.school_id != school_id:
            continue
        shared = [key for key in draft.purposes if key in open_round.purposes]
        if shared:
            found.append(
                DraftProblem(Problem.OVERLAPS, school_id, shared[0], open_round=open_round)
            )
    return found
