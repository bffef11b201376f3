"""Issuing invitation codes to guardians (for letters) and to staff members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import UserFacingError
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_name, group_order
from bot.security import audit, codes
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import invitations, people, schools, staff
from storage.db import Connection, Database, to_db

STAFF_ROLES = ("teacher", "director", "privacy_officer")


@dataclass(frozen=True, slots=True)
class GuardianCode:
    guardian_name: str
    children: tuple[str, ...]
    code: str
    expires: datetime
    email: str = ""
    language: str = "nl"
    groups: tuple[str, ...] = ()
    """The group of each child, in the order of ``children``: the child the letter goes
    home with first."""


@dataclass(frozen=True, slots=True)
class StaffCode:
    name: str
    role: str
    groups: tuple[str, ...]
    code: str
    expires: datetime
    new_member: bool = True
    """False: a new code for someone already on the staff (a new phone)."""


def expiry(now: datetime, days: int, tz: ZoneInfo) -> datetime:
    """Codes stay valid up to and including the last day, to the end of that local day."""
    last_day = (now + timedelta(days=days)).astimezone(tz).date()
    return datetime.combine(last_day, time(23, 59, 59), tz)


async def issue_code(
    conn: Connection,
    keys: Keys,
    now: datetime,
    school_id: int,
    expires: datetime,
    *,
    details: dict[str, object],
    actor: str = "cli",
    guardian_id: int | None = None,
    staff_id: int | None = None,
) -> str:
    """A new one-time code for a guardian or a staff member, stored only as its MAC, and
    its issue in the audit trail."""
    code = codes.generate()
    invitation_id = await invitations.create(
        conn,
        school_id,
        codes.code_mac(keys.codes, code),
        guardian_id=guardian_id,
        staff_id=staff_id,
        created_at=to_db(now),
        expires_at=to_db(expires),
    )
    await audit.record(
        conn,
        keys.audit,
        now,
        actor=actor,
        action=AuditAction.INVITATION_ISSUED,
        school_id=school_id,
        subject=f"invitation:{invitation_id}",
        details=details,
    )
    return code


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def issue_guardian_codes(
    db: Database,
    keys: Keys,
    clock: Clock,
    school: SchoolConfig,
    *,
    days: int,
    group: str | None = None,
    renew: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[GuardianCode]:
    """A code for every guardian of a current student who neither uses the bot nor has an
    open code (renewing: for all of them, replacing open codes).

    ``progress(done, total)`` is called as guardians are handled. A school without pupils
    (no roster imported yet) or an unknown group is refused, naming what to do instead.
    A group may be written as the roster does ("Groep 5").
    """
    if group is not None:
        group = group_name(group)
    now = clock.now()
    expires = expiry(now, days, school.tz)
    issued: list[GuardianCode] = []
    async with db.transaction() as conn:
        school_id = await schools.find_id(conn, school.slug)
        known = await schools.group_names(conn, school_id) if school_id is not None else []
        if group is not None and known and group not in known:
            raise UserFacingError(
                f"group {group!r} is not a group of {school.slug} (groups: {', '.join(known)})"
            )
        guardians = (
            await people.guardians_for_school(conn, school_id, group)
            if school_id is not None
            else []
        )
        if not guardians:
            where = f"in group {group} " if group is not None and known else ""
            raise UserFacingError(
                f"no pupils {where}at {school.slug} yet: run "
                f"'privacyloket import-roster FILE.csv --school {school.slug}' first"
            )
        assert school_id is not None
        with_code = await invitations.guardians_with_open_code(conn, school_id, to_db(now))
        linked = await invitations.guardians_linked(conn, school_id)
        for done, guardian in enumerate(guardians, start=1):
            if progress is not None:
                progress(done, len(guardians))
            if guardian.id in linked and not renew:
                continue
            if guardian.id in with_code:
                if not renew:
                    continue
                await invitations.revoke_open_for_guardian(conn, guardian.id, to_db(now))
            code = await issue_code(
                conn,
                keys,
                now,
                school_id,
                expires,
                guardian_id=guardian.id,
                details={"guardian": guardian.id, "renewed": guardian.id in with_code},
            )
            children = sorted(
                (c for c in await people.children_of(conn, [guardian.id]) if c.left_at is None),
                key=lambda c: (
                    c.group_name != group,  # handed out in the group asked for
                    group_order(c.group_name or ""),
                    c.first_name,
                ),
            )
            issued.append(
                GuardianCode(
                    guardian.name,
                    tuple(c.first_name for c in children),
                    code,
                    expires,
                    email=guardian.email,
                    language=guardian.language,
                    groups=tuple(c.group_name or "" for c in children),
                )
            )
    return issued


async def issue_staff_code(
    db: Database,
    keys: Keys,
    clock: Clock,
    school: SchoolConfig,
    *,
    name: str,
    role: str,
    groups: list[str],
    days: int,
) -> StaffCode:
    """A code for a new staff member; for someone already on the staff (same name and
    role), a new code for that same member (a new phone): their other open codes are
    revoked, and redeeming it unlinks the account they used before."""
    if role not in STAFF_ROLES:
        raise UserFacingError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if role != "teacher" and groups:
        raise UserFacingError(
            f"groups apply to teachers only: a {role.replace('_', ' ')} sees the whole school; "
            "leave out --group"
        )
    if not name.strip():
        raise UserFacingError("--name is empty")
    groups = [group_name(g) for g in groups]
    now = clock.now()
    expires = expiry(now, days, school.tz)
    async with db.transaction() as conn:
        school_id = await schools.ensure(conn, school.slug, school.name)
        found = await schools.group_ids(conn, school_id, groups)
        unknown = [g for g in groups if g not in found]
        if unknown:
            known = await schools.group_names(conn, school_id)
            raise UserFacingError(
                f"unknown group(s) {', '.join(unknown)} at {school.slug} "
                + (
                    f"(groups: {', '.join(known)})"
                    if known
                    else "(no groups yet: run 'privacyloket import-roster' first)"
                )
            )
        existing = await staff.find_by_name(conn, school_id, name)
        if existing:
            member = existing[0]
            if member.role != role or (groups and sorted(groups) != sorted(member.groups)):
                now_as = member.role.replace("_", " ") + (
                    f" of {staff_groups_text(member.groups)}" if member.groups else ""
                )
                raise UserFacingError(
                    f"{member.name} is already on the staff as {now_as}: to change the "
                    "groups use 'privacyloket staff groups'; to change the role, remove them "
                    "first ('privacyloket staff remove')"
                )
            staff_id = member.id
            await invitations.revoke_open_for_staff(conn, staff_id, to_db(now))
            new_member = False
        else:
            if role == "teacher" and not groups:
                raise UserFacingError("a teacher needs at least one --group")
            staff_id = await staff.create(
                conn, school_id, name.strip(), role, list(found.values()), to_db(now)
            )
            new_member = True
        code = await issue_code(
            conn,
            keys,
            now,
            school_id,
            expires,
            staff_id=staff_id,
            details={"staff": staff_id, "role": role, "new_member": new_member},
        )
    shown_name = name.strip() if new_member else existing[0].name
    shown_groups = tuple(groups) if new_member else existing[0].groups
    return StaffCode(shown_name, role, shown_groups, code, expires, new_member)


def staff_groups_text(groups: tuple[str, ...] | list[str]) -> str:
    """'group 3' / 'groups 3 and 7' / 'groups 3, 5 and 7', for the command line."""
    names = list(groups)
    if len(names) == 1:
        return f"group {names[0]}"
    return f"groups {', '.join(names[:-1])} and {names[-1]}"


async def issue_codes_for(
    db: Database,
    keys: Keys,
    clock: Clock,
    school: SchoolConfig,
    guardian_ids: list[int],
    *,
    days: int,
) -> dict[int, tuple[str, datetime]]:
    """A new code (and when it expires) for each of these guardians of the school, for a
    paper consent form; codes they hold already keep working."""
    now = clock.now()
    expires = expiry(now, days, school.tz)
    issued: dict[int, tuple[str, datetime]] = {}
    async with db.transaction() as conn:
        school_id = await schools.find_id(conn, school.slug)
        assert school_id is not None
        for guardian_id in sorted(set(guardian_ids)):
            code = await issue_code(
                conn,
                keys,
                now,
                school_id,
                expires,
                guardian_id=guardian_id,
                details={"guardian": guardian_id, "for": "consent_letter"},
            )
            issued[guardian_id] = (code, expires)
    return issued
