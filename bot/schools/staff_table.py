"""The staff list as the command line prints it."""

from __future__ import annotations

from bot.domain.staff_membership import StaffEntry
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_name as group_name
from bot.schools.invitations import staff_groups_text

_ROLES = {"director": "head teacher", "teacher": "teacher", "privacy_officer": "privacy officer"}


def staff_table(entries: list[StaffEntry], school: SchoolConfig) -> str:
    if not entries:
        return f"{school.name} has no staff in Privacyloket yet (privacyloket staff-invite)."
    rows = []
    for entry in entries:
        member = entry.member
        role = _ROLES.get(member.role, member.role)
        if member.groups:
            role += f" of {staff_groups_text(member.groups)}"
        last = (
            entry.last_active.astimezone(school.tz).strftime("%Y-%m-%d")
            if entry.last_active
            else "never"
        )
        rows.append(
            (
                member.name,
                role,
                "linked" if entry.linked else "not linked",
                f"last active {last}",
                f"{entry.open_cases} open request" + ("" if entry.open_cases == 1 else "s"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"Staff of {school.name} ({len(entries)}):"]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:4])]
        lines.append("  " + "  ".join([*cells, row[4]]))
    return "\n".join(lines)
