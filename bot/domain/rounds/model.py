"""What a consent round is, what its buttons carry, and why something about it is refused.

A round belongs to one school. It asks, per child, each guardian about a few of the
school's consent purposes (photo purposes and exchanges), until its closing date. Nothing
is written on anyone's behalf: a purpose nobody answers stays unanswered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.i18n import Language
from bot.outbox import NoticeAction
from bot.schools.config import ConsentPurpose, SchoolConfig
from storage.people import Student

MAX_MESSAGE = 500
"""The school's own message with a round, in characters (per language)."""
DEFAULT_DAYS = 14
"""A new round closes this many days after today, unless the director picks a date."""
MAX_DAYS_AHEAD = 60
SEND_FROM = time(8, 0)
SEND_UNTIL = time(20, 0)
"""Reminders and questions to guardians who join later go out between these local times,
on school days only."""


class Audience(StrEnum):
    EVERYONE = "everyone"
    """Every guardian of every pupil: a yearly re-confirmation."""
    UNANSWERED = "unanswered"
    """Guardians without an answer of their own for one of the purposes: a new purpose,
    new pupils."""


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class RoundAction:
    """The actions of the buttons under a round's question and reminders (signed for the
    guardian when sent), as the outbox names them. Each works from an old message, so the
    screens treat them as lasting; the domain checks everything again."""

    OPEN = NoticeAction.ROUND_QUESTION
    """(request id): show the question with its buttons as a new message. The one button
    a sender without keyboards puts under the question; after the round closed, the
    screens open the consent screen for the child instead."""
    CHOOSE = NoticeAction.ROUND_CHOOSE
    """(request id, selection): Yes or No for one purpose was tapped; ``selection``
    (see :func:`encode_selection`) holds every choice after that tap. Nothing is saved:
    the screens show the question again with this selection."""
    SEND = NoticeAction.ROUND_SEND
    """(request id, selection): record the choices in ``selection``."""
    KEEP = NoticeAction.ROUND_KEEP
    """(request id): keep every current answer, recorded as a fresh answer of the round."""


LASTING_ACTIONS = frozenset(
    {RoundAction.OPEN, RoundAction.CHOOSE, RoundAction.SEND, RoundAction.KEEP}
)


class Problem(StrEnum):
    """Why a round was not started (or previewed); nothing was created."""

    NOT_ALLOWED = "not_allowed"
    """Not the director of that school, nor the foundation's privacy officer."""
    NO_PURPOSES = "no_purposes"
    UNKNOWN_PURPOSE = "unknown_purpose"
    PURPOSE_ENDED = "purpose_ended"
    CLOSING_IN_THE_PAST = "closing_in_the_past"
    CLOSING_TOO_FAR = "closing_too_far"
    CLOSING_AFTER_PURPOSE_ENDS = "closing_after_purpose_ends"
    MESSAGE_TOO_LONG = "message_too_long"
    MESSAGE_INVALID = "message_invalid"
    """Control characters that cannot be kept."""
    NO_RECIPIENTS = "no_recipients"
    OVERLAPS = "overlaps"
    """An open round of the school asks about one of the same purposes."""


@dataclass(frozen=True, slots=True)
class DraftProblem:
    problem: Problem
    school_id: int | None = None
    purpose: str | None = None
    """The purpose it is about (unknown, ended, or asked by the open round)."""
    language: Language | None = None
    """The message's language (too long, invalid)."""
    open_round: Round | None = None
    """For OVERLAPS: the open round, with its number and closing date."""


class RoundNotStarted(Exception):
    """The draft has problems; nothing was created."""

    def __init__(self, problems: Sequence[DraftProblem]) -> None:
        super().__init__(", ".join(p.problem.value for p in problems))
        self.problems = tuple(problems)


class Refusal(StrEnum):
    """Why an action on a round or its question is refused; nothing was changed, and the
    attempt is in the audit trail."""

    NOT_YOURS = "not_yours"
    """Another family's question (or a round of a school that is not theirs)."""
    ROUND_CLOSED = "round_closed"
    ROUND_CANCELLED = "round_cancelled"
    OFF_ROSTER = "off_roster"
    """The guardian is no longer listed for the child (or the pupil left)."""
    ALREADY_ANSWERED = "already_answered"
    """The question was answered through the round already: changes go through the
    consent screen."""
    INVALID = "invalid"
    """A selection that cannot come from the round's buttons."""
    NOTHING_TO_KEEP = "nothing_to_keep"
    NOT_OPEN = "not_open"
    """Closing or cancelling a round that is no longer open."""


class RoundRefused(Exception):
    def __init__(
        self,
        reason: Refusal,
        *,
        round: Round | None = None,
        student_id: int | None = None,
        answered_at: datetime | None = None,
    ) -> None:
        super().__init__(reason.value)
        self.reason, self.round, self.student_id = reason, round, student_id
        self.answered_at = answered_at


@dataclass(frozen=True, slots=True)
class RoundDraft:
    """What the director chose so far; nothing is stored until Start."""

    school_ids: tuple[int, ...]
    purposes: tuple[str, ...]
    audience: Audience
    closes_on: date
    message_nl: str | None = None
    message_en: str | None = None
    """The school's message; one language given is used for both."""

    def message(self) -> dict[Language, str] | None:
        nl = (self.message_nl or "").strip() or None
        en = (self.message_en or "").strip() or None
        if nl is None and en is None:
            return None
        return {"nl": nl or en or "", "en": en or nl or ""}


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    school_id: int
    number: int
    purposes: tuple[str, ...]
    audience: Audience
    started_by: int
    started_at: datetime
    closes_on: date
    closes_at: datetime
    status: RoundStatus
    ended_at: datetime | None = None
    message: dict[Language, str] | None = field(default=None, compare=False)

    def message_in(self, language: Language) -> str | None:
        if self.message is None:
            return None
        return self.message.get(language) or self.message.get("nl")

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


Choice = bool | None
"""Yes, No, or not chosen."""


def encode_selection(choices: Sequence[Choice]) -> int:
    """The choices per purpose (in the round's order) as one number for a button: a digit
    in base 3 per purpose, the first purpose lowest; 0 not chosen, 1 yes, 2 no."""
    code = 0
    for choice in reversed(choices):
        code = code * 3 + (0 if choice is None else 1 if choice else 2)
    return code


def decode_selection(code: int, count: int) -> tuple[Choice, ...] | None:
    """The choices of ``count`` purposes, or None for a number no button of the round
    carries."""
    if not 0 <= code < 3**count:
        return None
    choices: list[Choice] = []
    for _ in range(count):
        code, digit = divmod(code, 3)
        choices.append(None if digit == 0 else digit == 1)
    return tuple(choices)


def closing_moment(closes_on: date, tz: ZoneInfo) -> datetime:
    """When a round that asks until ``closes_on`` (that day included) closes: the local
    midnight after it."""
    return datetime.combine(closes_on + timedelta(days=1), time(0), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class Question:
    """A round's question to one guardian about one child, as it stands now."""

    request_id: int
    round: Round
    school: SchoolConfig
    student: Student
    purposes: tuple[ConsentPurpose, ...]
    """The round's purposes that can be answered now, in the round's order (a purpose the
    school removed from its config, or an exchange that ended, is left out)."""
    own: tuple[Choice, ...]
    """The guardian's own answer now, per purpose of ``purposes``."""
    asked_at: datetime | None
    answered_at: datetime | None
    """When it was answered through the round's buttons (or from a paper form)."""

    @property
    def offers_keep(self) -> bool:
        """A re-confirmation round offers to keep the current answers with one tap."""
        return self.round.audience == Audience.EVERYONE and any(o is not None for o in self.own)

    def position(self, key: str) -> int:
        """Where a purpose is in the round's selection (see :func:`encode_selection`)."""
        return self.round.purposes.index(key)

    def selection(self, code: int) -> dict[str, bool] | None:
        """The choices a button's selection holds for the purposes that can be answered,
        or None when no button of this round carries it."""
        choices = decode_selection(code, len(self.round.purposes))
        if choices is None:
            return None
        return {
            p.key: choice
            for p in self.purposes
            if (choice := choices[self.position(p.key)]) is not None
        }

    def code(self, choices: dict[str, bool]) -> int:
        return encode_selection([choices.get(key) for key in self.round.purposes])
