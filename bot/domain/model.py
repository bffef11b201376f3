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


class Role(StrEnum):
    """Who does something: a staff member's role, or the parent or the bot itself on a
    case's timeline."""

    TEACHER = "teacher"
    DIRECTOR = "director"
    PRIVACY_OFFICER = "privacy_officer"
    GUARDIAN = "guardian"
    SYSTEM = "system"


STAFF_ROLES = frozenset({Role.TEACHER, Role.DIRECTOR, Role.PRIVACY_OFFICER})
HANDLING_ROLES = frozenset({Role.TEACHER, Role.DIRECTOR})
"""Staff who handle cases (the privacy officer sees counts only)."""


class CaseEvent(StrEnum):
    """An entry on a case's timeline."""

    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    TAKEN = "taken"
    EXTENDED = "extended"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    RECIPIENT_INFORMED = "recipient_informed"
    RECIPIENT_NOT_APPLICABLE = "recipient_not_applicable"
    """A recipient of the register that never received this data: nobody to inform."""
    RESTRICTION_LIFTED = "restriction_lifted"
    """A granted restriction will end on a set day; the parent was told (AVG art. 18(3))."""
    DOCUMENTS_RECEIVED = "documents_received"
    NOTE_ADDED = "note_added"
    DOCUMENT_ADDED = "document_added"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"


PARENT_EVENTS = frozenset(
    {
        CaseEvent.SUBMITTED,
        CaseEvent.WITHDRAWN,
        CaseEvent.TAKEN,
        CaseEvent.EXTENDED,
        CaseEvent.RESOLVED,
        CaseEvent.REJECTED,
        CaseEvent.RECIPIENT_INFORMED,
        CaseEvent.DOCUMENTS_RECEIVED,
        CaseEvent.RESTRICTION_LIFTED,
    }
)
"""Timeline events a parent sees; the rest (notes, hand-overs, attachments) is internal."""
MOVES = frozenset({CaseEvent.TAKEN, CaseEvent.RESOLVED, CaseEvent.REJECTED, CaseEvent.WITHDRAWN})
"""Events that move a case on: the last of them says why an action came too late."""


class Outcome(StrEnum):
    """How a resolved case ended, per kind (bot.domain.transitions.OUTCOMES)."""

    ANSWERED = "answered"
    CORRECTED = "corrected"
    STATEMENT_ADDED = "statement_added"
    ERASED = "erased"
    PARTLY_ERASED = "partly_erased"
    DONE = "done"
    GRANTED = "granted"


LESS_THAN_ASKED = frozenset({Outcome.PARTLY_ERASED, Outcome.STATEMENT_ADDED})
"""Answers that do not fully grant what the parent asked: like a refusal, the parent is told
why and their right to complain and to go to court (AVG art. 12(4))."""


class RefusalReason(StrEnum):
    NOT_ALLOWED = "not_allowed"
    """Not theirs to see or act on (another family's child, another group's case)."""
    NOT_POSSIBLE = "not_possible"
    """The case moved on: it is no longer in a state where this can be done."""
    INVALID = "invalid"
    """The input is not possible in this form (an empty text, an unknown colleague)."""
    VOLUNTARY = "voluntary"
    """Data given voluntarily (religion) is always deleted on request, never kept."""
    REQUESTER_OFF_ROSTER = "requester_off_roster"
    """The parent who asked is no longer on the roster: a copy needs the staff member's
    explicit confirmation before it goes out."""
    LAST_DIRECTOR = "last_director"
    """A school keeps at least one director: the last one cannot be removed."""
    NO_DOCUMENTS = "no_documents"
    """A copy of the dossier is answered with the copy: without a document it is refused,
    with the reasons, instead."""


class Refused(Exception):
    """An action on a case or a child that is not done, and why; nothing was changed.

    ``case`` is the case as it stood, ``last`` (for NOT_POSSIBLE) the change that came first.
    """

    def __init__(
        self, reason: RefusalReason, *, case: Case | None = None, last: Change | None = None
    ) -> None:
        super().__init__(reason.value)
        self.reason, self.case, self.last = reason, case, last


@dataclass(frozen=True, slots=True)
class Change:
    """A timeline entry as staff read it: what, who (role and name) and when."""

    event: CaseEvent
    role: Role | None
    """None for an internal note, whose author is named by ``staff_name``."""
    staff_name: str | None
    at: datetime
    subject: str | None = None
    """What the entry is about, where it names one (a recipient's key)."""


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
    assignee_role: Role
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
