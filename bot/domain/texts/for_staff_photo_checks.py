"""What a teacher reads about photo checks, in their language: the verdict of a check, and
the notice when consent for a child it cleared is later withdrawn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.texts.labels import when
from bot.i18n import _, current_language, ngettext
from bot.markup import esc
from bot.schools.config import SchoolConfig
from storage.people import Student

if TYPE_CHECKING:  # the consent domain tells checkers through this module: types only
    from bot.domain.photo_checks import PhotoCheck


def purpose_label(school: SchoolConfig, key: str) -> str:
    """A purpose's label, or its key when the school removed it from its config (HTML)."""
    purpose = school.consent_purpose(key)
    return esc(purpose.label.get(current_language()) if purpose is not None else key)


def _child(student: Student) -> str:
    name = f"{esc(student.first_name)} {esc(student.last_name)}"
    if student.group_name:
        return _("{child} (group {group})").format(child=name, group=esc(student.group_name))
    return name


def photo_check_withdrawal_notice(
    checks: Sequence[tuple[datetime, str, int]], student: Student, school: SchoolConfig
) -> str:
    """To the teacher whose photo checks cleared a child for a purpose whose consent has
    since been withdrawn: (when, purpose, how many children) per check."""
    lines = [
        "<b>" + _("Consent withdrawn after your photo check") + "</b>",
        _("{child} may no longer appear for:").format(child=_child(student)),
    ]
    for at, purpose, children in checks:
        lines.append(
            "• "
            + _("{purpose}: your check of {when} ({children} children) cleared them.").format(
                purpose=purpose_label(school, purpose),
                when=when(at, school),
                children=children,
            )
        )
    lines += [
        "",
        _(
            "If that photo was published with consent that has since been withdrawn, take it "
            "down where you can, or make {child} unrecognisable."
        ).format(child=esc(student.first_name)),
    ]
    return "\n".join(lines)


def _reason(state: str) -> str:
    """Why a child may not appear (an ``Appearance`` value)."""
    match state:
        case "refused":
            return _("a parent refused")
        case "disagree":
            return _("parents disagree")
        case "ended":
            return _("the exchange has ended")
    return _("no answer")


def photo_check_verdict(check: PhotoCheck) -> str:
    """The answer to a photo check: OK to publish, or whom to leave out and why."""
    school = check.school
    purpose = purpose_label(school, check.purpose.key)
    total = len(check.children)
    if not check.leave_out:
        lines = [
            "✅ <b>" + _("OK to publish") + "</b>",
            ngettext(
                "The child in the photo may appear for {purpose}.",
                "All {count} children in the photo may appear for {purpose}.",
                total,
            ).format(count=total, purpose=purpose),
        ]
    else:
        lines = [
            "⛔ <b>" + _("Leave out or make unrecognisable") + "</b>",
            _("The child in the photo may not appear for {purpose}:").format(purpose=purpose)
            if total == 1
            else ngettext(
                "{count} of {total} children may not appear for {purpose}:",
                "{count} of {total} children may not appear for {purpose}:",
                len(check.leave_out),
            ).format(count=len(check.leave_out), total=total, purpose=purpose),
            *[f"• {_child(c.student)}: {_reason(c.state.value)}" for c in check.leave_out],
        ]
        if len(check.leave_out) < total:
            lines.append(_("The others may appear."))
    lines += [
        "",
        _(
            "This check was recorded on {when}. If consent for a child it cleared is "
            "withdrawn later, you will be told."
        ).format(when=when(check.at, school)),
    ]
    return "\n".join(lines)
