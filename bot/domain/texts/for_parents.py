"""What a parent reads about their request, in their language: the notices of every step
the school takes, the outcome and their rights."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.model import Case
from bot.domain.texts.labels import kind_label
from bot.i18n import _, current_language, format_date
from bot.markup import esc
from bot.schools.config import ConsentPurpose, SchoolConfig
from storage.people import Student


def _heading(case: Case) -> str:
    return _("<b>Your request {number}</b> ({kind})").format(
        number=esc(case.number), kind=kind_label(case.kind)
    )


def taken_notice(case: Case, who: str) -> str:
    return "\n".join(
        [
            _heading(case),
            _("Your request is now being handled by {who}.").format(who=esc(who)),
            _("The school will answer by {due} at the latest.").format(
                due=format_date(case.due, "full")
            ),
        ]
    )


def extended_notice(case: Case, previous_due: date, reason: str) -> str:
    """The parent is told each extension: the new date, the one it replaces, the reason and
    what the law allows."""
    return "\n".join(
        [
            _heading(case),
            _(
                "The school needs more time and will now answer by {due} at the latest, "
                "instead of {previous}."
            ).format(
                due=format_date(case.due, "full"), previous=format_date(previous_due, "full")
            ),
            _("Reason:"),
            f"<blockquote>{esc(reason)}</blockquote>",
            _(
                "The law allows the school to take at most two more months in total, when a "
                "request is complex or the school has many requests: at the latest three months "
                "after your request came in (GDPR (AVG) Art. 12(3))."
            ),
        ]
    )


def _outcome_line(case: Case, outcome: str, kept: Sequence[str], school: SchoolConfig) -> str:
    language = current_language()
    match outcome:
        case "answered":
            return _("The school has answered your request.")
        case "corrected":
            return _("The data has been corrected.")
        case "statement_added":
            return _(
                "The data is a professional judgement, which is not changed; your own view "
                "has been added to your child's dossier."
            )
        case "erased":
            return _("The data has been deleted.")
        case "partly_erased":
            lines = [_("Part of the data has been deleted. The school keeps, by law:")]
            for key in kept:
                category = school.category(key)
                if category is None:
                    continue
                ground = (
                    school.retention_ground(category.retention_ground)
                    if category.retention_ground
                    else None
                )
                label = esc(category.label.get(language))
                lines.append(
                    f"• {label}: {esc(ground.label.get(language))}"
                    if ground
                    else f"• {label}: {esc(category.retention.get(language))}"
                )
            return "\n".join(lines)
        case "done":
            return _("The school has processed the change.")
        case "granted":
            return _("The school has granted your request.")
    return outcome


def resolved_notice(
    case: Case,
    outcome: str,
    message: str | None,
    documents: int,
    kept: Sequence[str],
    school: SchoolConfig,
) -> str:
    lines = [_heading(case), _outcome_line(case, outcome, kept, school)]
    if message:
        lines += [_("Message from the school:"), f"<blockquote>{esc(message)}</blockquote>"]
    if documents:
        lines.append(
            _(
                "The documents follow in the next messages. Please tap the button under the "
                "last one when you have received them."
            )
        )
    else:
        lines.append(_("You can see this request at any time under My requests in /menu."))
    return "\n".join(lines)


def document_caption(case: Case, index: int, total: int) -> str:
    return _("Request {number}: document {index} of {total}").format(
        number=esc(case.number), index=index, total=total
    )


def rights_lines(school: SchoolConfig) -> list[str]:
    """AVG art. 12(4): the right to complain and to go to court, and whom to ask first."""
    language = current_language()
    contact = school.contacts.complaints or school.contacts.privacy_officer
    return [
        _(
            "If you do not agree, you may complain to the Autoriteit Persoonsgegevens "
            "(autoriteitpersoonsgegevens.nl) and you may go to court (AVG art. 12(4))."
        ),
        _("You can also contact the school first: {contact}").format(
            contact=esc(contact.get(language))
        ),
    ]


def rejected_notice(case: Case, reason: str, ground: str | None, school: SchoolConfig) -> str:
    lines = [_heading(case), _("The school has refused your request.")]
    if ground:
        lines.append(_("Legal ground: {ground}").format(ground=esc(ground)))
    lines += [_("Reason:"), f"<blockquote>{esc(reason)}</blockquote>", *rights_lines(school)]
    return "\n".join(lines)


def recipients_informed_notice(case: Case, names: Sequence[str]) -> str:
    return "\n".join(
        [
            _heading(case),
            _("The school has passed the change on to:"),
            *[f"• {esc(n)}" for n in names],
        ]
    )


def consent_now_label(purpose: ConsentPurpose, allowed: bool) -> str:
    """What applies for a purpose now, in a word or two: photos for a photo purpose, the
    data passed on or not for an exchange."""
    if purpose.kind == "exchange":
        return _("data may be passed on") if allowed else _("data not passed on")
    return _("photos allowed") if allowed else _("no photos")


def consent_changed_notice(
    student: Student, changes: dict[str, bool], effective: dict[str, bool], school: SchoolConfig
) -> str:
    """To the child's other parents: what changed, and what now applies."""
    language = current_language()
    photos_only = all(
        (p := school.consent_purpose(key)) is None or p.kind == "photo" for key in changes
    )
    heading = (
        _("Another parent or guardian of {child} has changed their photo consent:")
        if photos_only
        else _("Another parent or guardian of {child} has changed their consent:")
    )
    lines = [heading.format(child=esc(student.first_name))]
    for purpose in school.consent_purposes:
        if purpose.key not in changes:
            continue
        state = _("consent given") if changes[purpose.key] else _("no consent")
        lines.append(f"• {esc(purpose.label.get(language))}: {state}")
    lines += [
        "",
        _("What applies now:"),
        *[
            f"• {esc(p.label.get(language))}: " + consent_now_label(p, effective.get(p.key, False))
            for p in school.consent_purposes
            if p.key in effective
        ],
        "",
        _("You can see and change your own choice under Photo consent in /menu."),
    ]
    return "\n".join(lines)
