"""The one table of case transitions and the one permission check for staff.

A status and an action give the new status; whoever may act is decided by
``may_act`` from the staff member's role, school and groups. Every staff action on a
case checks both inside the unit of work that writes its change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.deadlines import MAX_EXTENSION_MONTHS, extended_due, months_extended
from bot.domain.model import OPEN, Case, Kind, Outcome, Role, Status


class Action(StrEnum):
    TAKE = "take"
    NOTE = "note"
    EXTEND = "extend"
    ESCALATE = "escalate"
    ASSIGN = "assign"
    ATTACH = "attach"
    RESOLVE = "resolve"
    REJECT = "reject"
    INFORM = "inform"
    LIFT = "lift"
    WITHDRAW = "withdraw"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.SUBMITTED, Action.TAKE): Status.IN_PROGRESS,
    (Status.SUBMITTED, Action.WITHDRAW): Status.WITHDRAWN,
    **{(s, Action.RESOLVE): Status.RESOLVED for s in sorted(OPEN)},
    **{(s, Action.REJECT): Status.REJECTED for s in sorted(OPEN)},
    **{(s, a): s for s in sorted(OPEN) for a in (Action.NOTE, Action.EXTEND, Action.ATTACH)},
    **{(s, a): s for s in sorted(OPEN) for a in (Action.ESCALATE, Action.ASSIGN)},
    # Informing recipients (AVG art. 19) follows a resolved correction, erasure or
    # restriction; a granted restriction is lifted later, the parent told before (18(3)).
    (Status.RESOLVED, Action.INFORM): Status.RESOLVED,
    (Status.RESOLVED, Action.LIFT): Status.RESOLVED,
}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.TEACHER: frozenset(
        {
            Action.TAKE,
            Action.NOTE,
            Action.EXTEND,
            Action.ESCALATE,
            Action.ATTACH,
            Action.RESOLVE,
            Action.REJECT,
            Action.INFORM,
        }
    ),
    Role.DIRECTOR: frozenset(
        {
            Action.TAKE,
            Action.NOTE,
            Action.EXTEND,
            Action.ASSIGN,
            Action.ATTACH,
            Action.RESOLVE,
            Action.REJECT,
            Action.INFORM,
            Action.LIFT,
        }
    ),
    Role.PRIVACY_OFFICER: frozenset(),
}

# Deciding these is for the director (AVG art. 17, 18 and 21 weigh legal grounds).
DIRECTOR_DECIDES = frozenset({Kind.ERASURE, Kind.RESTRICTION, Kind.OBJECTION})

OUTCOMES: dict[Kind, tuple[str, ...]] = {
    Kind.ACCESS: (Outcome.ANSWERED,),
    Kind.RECTIFICATION: (Outcome.CORRECTED, Outcome.STATEMENT_ADDED),
    Kind.ERASURE: (Outcome.ERASED, Outcome.PARTLY_ERASED),
    Kind.CONSENT: (Outcome.DONE,),
    Kind.RESTRICTION: (Outcome.GRANTED,),
    Kind.OBJECTION: (Outcome.GRANTED,),
}

# After these outcomes the recipients of the affected data are informed (AVG art. 19): a
# correction, a deletion and a granted restriction (not an objection).
INFORM_AFTER: frozenset[tuple[Kind, str]] = frozenset(
    {
        (Kind.RECTIFICATION, Outcome.CORRECTED),
        (Kind.RECTIFICATION, Outcome.STATEMENT_ADDED),
        (Kind.ERASURE, Outcome.ERASED),
        (Kind.ERASURE, Outcome.PARTLY_ERASED),
        (Kind.RESTRICTION, Outcome.GRANTED),
    }
)


@dataclass(frozen=True, slots=True)
class Acting:
    """A staff member as the permission check sees them."""

    staff_id: int
    school_id: int
    role: str
    group_ids: frozenset[int]


LIFT_NOTICE_DAYS = 7
"""A granted restriction ends this many days after the parent is told it will be lifted:
they hear it before it happens (AVG art. 18(3)) and can object or complain first."""


def lift_date(today: date) -> date:
    return today + timedelta(days=LIFT_NOTICE_DAYS)


def may_lift(kind: Kind, outcome: str | None, lifted_on: str | None) -> bool:
    """A granted restriction not lifted yet can be lifted (by the director)."""
    return kind == Kind.RESTRICTION and outcome == Outcome.GRANTED and lifted_on is None


def next_status(status: Status, action: Action) -> Status | None:
    return TRANSITIONS.get((status, action))


def may_see(member: Acting, school_id: int, group_id: int | None) -> bool:
    """Teachers see cases of children in their groups, the director every case of the
    school, the privacy officer none (counts only), nobody another school's."""
    if member.school_id != school_id:
        return False
    if member.role == Role.DIRECTOR:
        return True
    return member.role == Role.TEACHER and group_id is not None and group_id in member.group_ids


def may_act(
    member: Acting, action: Action, *, school_id: int, group_id: int | None, kind: Kind
) -> bool:
    if not may_see(member, school_id, group_id) or action not in ROLE_ACTIONS[member.role]:
        return False
    if action in (Action.RESOLVE, Action.REJECT, Action.LIFT) and kind in DIRECTOR_DECIDES:
        return member.role == Role.DIRECTOR
    return True


def extension_months_left(case: Case, tz: ZoneInfo) -> int:
    """How many further months the answer date of ``case`` can still be extended by (AVG art.
    12(3)): two in total, in one step or two. A photo-consent change is not a request the
    school answers (it took effect at once; its task has a short target of its own)."""
    if case.kind == Kind.CONSENT:
        return 0
    received_on = case.received_at.astimezone(tz).date()
    return MAX_EXTENSION_MONTHS - months_extended(received_on, case.extended_due_on)


def may_extend(case: Case, tz: ZoneInfo, today: date) -> bool:
    """Before the answer date now in force has passed, while months are left."""
    return today <= case.due and extension_months_left(case, tz) > 0


def new_due_date(case: Case, tz: ZoneInfo, months: int) -> date | None:
    """The answer date after extending ``case`` by ``months`` more, counted from the day of
    receipt; None when that is more than is left."""
    if not 1 <= months <= extension_months_left(case, tz):
        return None
    received_on = case.received_at.astimezone(tz).date()
    return extended_due(received_on, months_extended(received_on, case.extended_due_on) + months)


def allowed_actions(
    member: Acting,
    status: Status,
    *,
    school_id: int,
    group_id: int | None,
    kind: Kind,
    extendable: bool = True,
    liftable: bool = False,
) -> list[Action]:
    """Exactly what this member may do to the case now (the buttons they get)."""
    return [
        a
        for a in Action
        if a not in (Action.WITHDRAW, Action.INFORM)
        and (a != Action.EXTEND or extendable)
        and (a != Action.LIFT or liftable)
        and next_status(status, a) is not None
        and may_act(member, a, school_id=school_id, group_id=group_id, kind=kind)
    ]
