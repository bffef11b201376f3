"""Who may do what with consent rounds, and the record of a refusal.

The director runs the rounds of their school; the foundation's privacy officer those of
one, several or all schools of the foundation (seeing counts, never names). Teachers see
their groups' response in their consent lists and check photos of their groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.clock import Clock
from bot.domain.model import Role
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import accounts, staff
from storage.db import Connection, Database
from storage.staff import StaffMember


async def members_of(conn: Connection, telegram_user_id: int) -> list[StaffMember]:
    """The staff records this Telegram account acts as, still on the staff."""
    found = []
    for link in await accounts.links(conn, telegram_user_id):
        if link.staff_id is None:
            continue
        member = await staff.get(conn, link.staff_id)
        if member is not None and member.active:
            found.append(member)
    return found


def round_schools(
    members: Sequence[StaffMember], schools: dict[int, SchoolConfig]
) -> dict[int, StaffMember]:
    """The schools whose rounds these staff records may run, with the record that may."""
    found: dict[int, StaffMember] = {}
    for member in members:
        if member.role == Role.DIRECTOR:
            found.setdefault(member.school_id, member)
    for member in members:
        if member.role != Role.PRIVACY_OFFICER or member.school_id not in schools:
            continue
        foundation = schools[member.school_id].foundation
        for school_id, school in schools.items():
            if school_id == member.school_id or (
                foundation is not None and school.foundation == foundation
            ):
                found.setdefault(school_id, member)
    return found


def sees_names(members: Sequence[StaffMember], school_id: int) -> bool:
    """The director of the school sees names; the privacy officer counts only."""
    return any(m.role == Role.DIRECTOR and m.school_id == school_id for m in members)


async def record_refusal(
    db: Database,
    keys: Keys,
    clock: Clock,
    *,
    actor: str,
    school_id: int | None,
    subject: str,
    details: dict[str, Any],
) -> None:
    """A refused action on a round (its own unit of work: the action changed nothing)."""
    async with db.transaction() as conn:
        await audit.record(
            conn,
            keys.audit,
            clock.now(),
            actor=actor,
            action=AuditAction.ROUND_REFUSED,
            school_id=school_id,
            subject=subject,
            details=details,
        )
