"""What importing a roster changes, worked out before anything is written.

``import-roster --dry-run`` shows it, and the import itself applies it: at the start of a
school year most pupils move up a group, some are new, some have left, and the groups'
teachers change; the coordinator sees all of that first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain.consent import takedown_purposes
from bot.errors import count
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_level, group_order
from bot.security.codes import birth_date_mac
from bot.security.keys import Keys
from storage import people, schools, staff
from storage.db import Connection
from storage.people import Student

if TYPE_CHECKING:
    from bot.schools.roster import RosterRow


@dataclass(frozen=True, slots=True)
class Leaver:
    student: Student
    takedown: tuple[str, ...]
    """The photo purposes whose published material must be taken down (config keys)."""


@dataclass(frozen=True, slots=True)
class RosterPlan:
    new: list[RosterRow] = field(default_factory=list)
    """The first row of each pupil who is not in the bot yet."""
    returned: int = 0
    """Pupils who had left and are on the roster again."""
    moved_up: int = 0
    same_group: int = 0
    other_group: int = 0
    """Moved to a group that is not a higher year (5a to 5b, or down)."""
    details_changed: int = 0
    """Pupils whose name or date of birth changed (whatever happened to their group)."""
    changed_in_same_group: int = 0
    unchanged: int = 0
    leavers: list[Leaver] = field(default_factory=list)
    guardians: int = 0
    guardians_added: int = 0
    guardians_removed: int = 0
    """Guardians with a pupil on the roster before, and with none after."""
    groups: list[str] = field(default_factory=list)
    groups_without_teacher: list[str] = field(default_factory=list)
    """Groups of the new roster whose requests no teacher using the bot will receive."""
    teachers: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """Teachers who use the bot, with the groups they have now (name, groups)."""

    @property
    def added(self) -> int:
        return len(self.new)

    @property
    def left(self) -> int:
        return len(self.leavers)

    @property
    def updated(self) -> int:
        """Pupils already in the bot whose group, name, date of birth or leaving changed."""
        return self.returned + self.moved_up + self.other_group + self.changed_in_same_group


async def plan_roster(
    conn: Connection,
    keys: Keys,
    school: SchoolConfig,
    school_id: int | None,
    rows: Sequence[RosterRow],
) -> RosterPlan:
    """What importing ``rows`` would change. Reads only."""
    before = await people.students_by_external_id(conn, school_id) if school_id else {}
    guardians_before = await people.guardians_by_external_id(conn, school_id) if school_id else {}
    links = await people.links(conn, school_id) if school_id else set()

    firsts: dict[str, RosterRow] = {}
    for row in rows:
        firsts.setdefault(row.student_id, row)
    new: list[RosterRow] = []
    returned = moved_up = same_group = other_group = 0
    details_changed = changed_in_same_group = unchanged = 0
    for external_id, row in firsts.items():
        old = before.get(external_id)
        if old is None:
            new.append(row)
            continue
        mac = birth_date_mac(keys.birth_dates, school.slug, external_id, row.birth_date)
        details = (old.first_name, old.last_name, old.birth_date_mac) != (
            row.first_name,
            row.last_name,
            mac,
        )
        details_changed += details
        if old.left_at is not None:
            returned += 1
        elif old.group_name == row.group:
            same_group += 1
            changed_in_same_group += details
            unchanged += not details
        elif (
            (was := group_level(old.group_name or "")) is not None
            and (now := group_level(row.group)) is not None
            and now > was
        ):
            moved_up += 1
        else:
            other_group += 1

    leavers = [
        Leaver(student, tuple(await takedown_purposes(conn, school, student.id)))
        for external_id, student in sorted(
            before.items(), key=lambda item: (item[1].last_name, item[1].first_name)
        )
        if external_id not in firsts and student.left_at is None
    ]

    current = {s.id for s in before.values() if s.left_at is None}
    external = {g.id: g.external_id for g in guardians_before.values()}
    active_before = {external[g] for g, s in links if s in current and g in external}
    in_file = {row.guardian_id for row in rows}

    groups = sorted({row.group for row in rows}, key=group_order)
    group_ids = await schools.group_ids(conn, school_id, groups) if school_id else {}
    without: list[str] = []
    for name in groups:
        group_id = group_ids.get(name)
        teachers = await staff.teachers_of_group(conn, group_id) if group_id else []
        if not [t for t in teachers if await staff.reachable(conn, t)]:
            without.append(name)

    linked: list[tuple[str, tuple[str, ...]]] = []
    members = await staff.school_staff(conn, school_id) if school_id else []
    for staff_id, _, role in members:
        member = await staff.get(conn, staff_id)
        if role == "teacher" and member and await staff.reachable(conn, staff_id):
            linked.append((member.name, tuple(sorted(member.groups, key=group_order))))

    return RosterPlan(
        new=new,
        returned=returned,
        moved_up=moved_up,
        same_group=same_group,
        other_group=other_group,
        details_changed=details_changed,
        changed_in_same_group=changed_in_same_group,
        unchanged=unchanged,
        leavers=leavers,
        guardians=len(in_file),
        guardians_added=len(in_file - active_before),
        guardians_removed=len(active_before - in_file),
        groups=groups,
        groups_without_teacher=without,
        teachers=sorted(linked),
    )


def describe(plan: RosterPlan, school: SchoolConfig, *, names: bool = False) -> list[str]:
    """The plan as the coordinator reads it, one line each; with ``names``, also who is
    new (except at the first import, when everybody is) and who left."""
    lines = [
        f"Pupils: {plan.moved_up} moved up a group, {plan.same_group} in the same group, "
        f"{plan.added} new, {plan.left} left"
        + (f", {plan.other_group} to another group" if plan.other_group else "")
        + (f", {plan.returned} back on the roster" if plan.returned else "")
        + (
            f"; {plan.details_changed} with a changed name or date of birth"
            if plan.details_changed
            else ""
        )
        + ".",
    ]
    first_import = plan.updated + plan.unchanged + plan.left == 0
    if names and not first_import:
        for row in sorted(
            plan.new, key=lambda r: (group_order(r.group), r.last_name, r.first_name)
        ):
            lines.append(f"  new:  {row.first_name} {row.last_name} (group {row.group})")
    labels = {p.key: p.label.en for p in school.photo_purposes}
    for leaver in plan.leavers:
        student = leaver.student
        takedown = (
            f"; a takedown task for {', '.join(labels.get(k, k) for k in leaver.takedown)}"
            if leaver.takedown
            else ""
        )
        if names or takedown:
            lines.append(
                f"  left: {student.first_name} {student.last_name} "
                f"(group {student.group_name}){takedown}"
            )
    lines.append(
        f"Guardians: {plan.guardians} on the roster; {plan.guardians_added} new, "
        f"{plan.guardians_removed} no longer with a pupil at the school."
    )
    lines.append(f"Groups: {', '.join(plan.groups)}.")
    if plan.groups_without_teacher:
        lines.append(
            f"{count(len(plan.groups_without_teacher), 'group')} without a teacher who uses "
            f"the bot: {', '.join(plan.groups_without_teacher)} (their requests go to the "
            "head teacher until a teacher of the group is linked)."
        )
    else:
        lines.append("Every group has a teacher who uses the bot.")
    if plan.teachers:
        lines.append(
            "Teachers who use the bot, with their groups now: "
            + ", ".join(f"{name} ({', '.join(groups)})" for name, groups in plan.teachers)
            + "."
        )
    return lines
