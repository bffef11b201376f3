"""Messages sent through the outbox, rendered in the recipient's language.

Each names its case number, so a rare duplicate after a crash is recognisable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.case_details import category_keys
from bot.domain.case_texts import about_line, kind_label
from bot.i18n import _, current_language, format_date
from bot.markup import esc
from bot.schools.config import SchoolConfig
from storage.people import Student

if TYPE_CHECKING:
    from bot.domain.cases import Case


def _child(student: Student) -> str:
    group = _("group {name}").format(name=esc(student.group_name)) if student.group_name else ""
    name = f"{esc(student.first_name)} {esc(student.last_name)}"
    return f"{name} ({group})" if group else name


def _what(case: Case, school: SchoolConfig) -> list[str]:
    language = current_language()
    details = case.details
    lines: list[str] = []
    if case.kind == "access":
        lines.append(
            _(
                "The parent asks for a copy of the data the school holds about their child "
                "(the dossier from {system})."
            ).format(system=esc(school.administration_system))
        )
    categories = [c for k in category_keys(details) if (c := school.category(k)) is not None]
    if about := about_line(school, details):
        lines.append(about)
    voluntary = [c.label.get(language) for c in categories if c.voluntary]
    if case.kind == "erasure" and voluntary:
        lines.append(
            _("Given voluntarily, so always deleted on request: {categories}.").format(
                categories=esc(", ".join(voluntary))
            )
        )
    if case.kind == "erasure" and len(voluntary) < len(categories):
        lines.append(
            _("Data the school must keep by law may be kept; a refusal names the legal ground.")
        )
    for key, granted in sorted(details.get("changes", {}).items()):
        purpose = school.purpose(key)
        label = esc(purpose.label.get(language) if purpose else key)
        if granted:
            lines.append(
                _(
                    "Consent given for: {purpose}. Please record this in the school's "
                    "administration."
                ).format(purpose=label)
            )
        else:
            lines.append(
                _(
                    "Consent withdrawn for: {purpose}. Please stop using photos and video of "
                    "this child for it, and take down what was already published."
                ).format(purpose=label)
            )
    if case.text:
        lines += ["", _("The parent wrote:"), f"<blockquote>{esc(case.text)}</blockquote>"]
    return lines


def new_case_alert(case: Case, student: Student, school: SchoolConfig) -> str:
    lines = [
        _("<b>New request {number}</b>: {kind}").format(
            number=esc(case.number), kind=kind_label(case.kind)
        ),
        _("For: {child}").format(child=_child(student)),
        _("Received on {received}; please handle it by {due} at the latest.").format(
            received=format_date(case.received_at.astimezone(school.tz).date()),
            due=format_date(case.due, "full"),
        ),
        "",
        *_what(case, school),
        "",
        _("Open it with /case {number}.").format(number=esc(case.number)),
    ]
    return "\n".join(lines)


def case_withdrawn_notice(case: Case, student: Student) -> str:
    return _(
        "Request {number} ({kind}) for {child} has been withdrawn by the parent. "
        "Nothing more needs to be done."
    ).format(number=esc(case.number), kind=kind_label(case.kind), child=_child(student))


def consent_changed_notice(
    student: Student, changes: dict[str, bool], effective: dict[str, bool], school: SchoolConfig
) -> str:
    """To the child's other parents: what changed, and what now applies."""
    language = current_language()
    lines = [
        _("Another parent or guardian of {child} has changed the photo consent.").format(
            child=esc(student.first_name)
        ),
        "",
    ]
    for purpose in school.photo_purposes:
        if purpose.key not in changes:
            continue
        state = _("given") if changes[purpose.key] else _("withdrawn")
        lines.append(f"• {esc(purpose.label.get(language))}: {state}")
    lines += [
        "",
        _("What applies now:"),
        *[
            f"• {esc(p.label.get(language))}: "
            + (_("photos allowed") if effective.get(p.key) else _("no photos"))
            for p in school.photo_purposes
        ],
        "",
        _("You can see and change your own choice under Photo consent in /menu."),
    ]
    return "\n".join(lines)
