"""The case model every room reads: kinds, statuses and their groups, a case as the domain
sees it, the parent acting on it, and why an action on a case is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    CONSENT = "consent"
    RESTRICTION = "restriction"
    OBJECTION = "objection"


class Status(StrEnum):
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN = frozenset({Status.SUBMITTED, Status.IN_PROGRESS})
"""Still to be handled by the school."""
DECIDED = frozenset({Status.RESOLVED, Status.REJECTED})
"""Closed by a decision of the school (an answer or a refusal)."""
CLOSED = DECIDED | {Status.WITHDRAWN}
"""Nothing more to do: decided, or withdrawn by the parent."""


class NotAllowed(Exception):
    """The person acting may not see or do this (another family's child or case)."""


class NotPossibleNow(Exception):
    """The case is no longer in a state where this can be done."""


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    school_id: int
    number: str
    kind: Kind
    status: Status
    student_id: int
    guardian_id: int
    received_at: datetime
    due_on: date
    extended_due_on: date | None
    assignee_role: str
    assignee_staff_id: int | None
    details: dict[str, Any]
    text: str | None

    @property
    def due(self) -> date:
        """The date the school must answer by: the extended one when it was extended."""
        return self.extended_due_on or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def in_effect_at_once(self) -> bool:
        """A photo-consent change took effect when the parent confirmed it."""
        return self.kind == Kind.CONSENT

    @property
    def parent_awaits_answer(self) -> bool:
        """Open, and a request the school still has to answer (a consent change is not)."""
        return self.is_open and not self.in_effect_at_once

    @property
    def can_withdraw(self) -> bool:
        """Only before anyone picked it up; a consent change took effect when it was made."""
        return self.status == Status.SUBMITTED and self.kind != Kind.CONSENT


def case_number(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"


@dataclass(frozen=True, slots=True)
class Actor:
    """The Telegram account acting as a parent, and the guardian records it is linked to."""

    telegram_user_id: int
    guardian_ids: tuple[int, ...]
