"""What a parent reads about their request, in their language: the notices of every step
the school takes, the outcome and their rights."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from bot.domain.case_details import category_keys
from bot.domain.dossier_copy import Delivery, delivery_of
from bot.domain.model import LESS_THAN_ASKED, Case, Kind
from bot.domain.texts.labels import about_line, consent_change_label, kind_label
from bot.i18n import _, current_language, format_date, ngettext
from bot.markup import esc
from bot.schools.config import (
    STILL_NEEDED,
    ConsentPurpose,
    DataCategory,
    RetentionGround,
    SchoolConfig,
)
from storage.people import Student


def _heading(case: Case) -> str:
    if case.in_effect_at_once:
        return _("<b>Your photo consent change {number}</b>").format(number=esc(case.number))
    return _("<b>Your request {number}</b> ({kind})").format(
        number=esc(case.number), kind=kind_label(case.kind)
    )


def taken_notice(case: Case, who: str) -> str:
    if case.in_effect_at_once:
        return "\n".join(
            [
                _heading(case),
                _(
                    "Your change is now being followed up by {who}. It has applied since you "
                    "confirmed it."
                ).format(who=esc(who)),
            ]
        )
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


def basis_sentence(ground: RetentionGround) -> str:
    """Whether keeping the data is a duty the law puts on the school, or its own policy."""
    if ground.law is not None:
        return _("This is a legal duty ({law}).").format(
            law=esc(ground.law.get(current_language()))
        )
    return _("This is the school's own policy, not a legal duty.")


def ground_text(school: SchoolConfig, key: str | None) -> str | None:
    """A ground to keep data as the parent reads it (HTML), saying whether it is a legal duty
    or the school's own policy; None for no known ground."""
    if key == STILL_NEEDED:
        return _(
            "Still needed for your child's education: while your child is at the school, the "
            "school needs this data to teach and guide them. Deleting data on request applies "
            "to data the school no longer needs (GDPR (AVG) Art. 17(1)(a))."
        )
    ground = school.retention_ground(key) if key else None
    if ground is None:
        return None
    return f"{esc(ground.label.get(current_language()))} {basis_sentence(ground)}"


def _kept_line(school: SchoolConfig, category: DataCategory, still_needed: bool) -> str:
    """One kept category and why it is kept (HTML)."""
    language = current_language()
    after = ground_text(school, category.retention_ground) or esc(category.retention.get(language))
    label = esc(category.label.get(language))
    if still_needed:
        return "• " + _(
            "{category}: still needed for your child's education while they are at the "
            "school. After that: {after}"
        ).format(category=label, after=after)
    return f"• {label}: {after}"


def kept_lines(school: SchoolConfig, kept: Sequence[str], still_needed: bool) -> list[str]:
    """What a partial deletion kept, each with its ground."""
    return [
        _kept_line(school, category, still_needed)
        for key in kept
        if (category := school.category(key)) is not None
    ]


def delivery_label(delivery: Delivery, email: str) -> str:
    """How the parent receives the copy of the dossier (HTML)."""
    match delivery:
        case Delivery.SCHOOL:
            return _("you collect it at the school")
        case Delivery.EMAIL:
            return _("by e-mail from the school, to {email}").format(email=esc(email))
    return _("in this chat, through Telegram")


def _answered(case: Case, school: SchoolConfig, email: str) -> str:
    if case.kind != Kind.ACCESS:
        return _("The school has answered your request.")
    match delivery_of(case.details):
        case Delivery.SCHOOL:
            contact = school.contact or school.contacts.director
            return _(
                "The copy of the dossier is ready: you can collect it at the school ({contact})."
            ).format(contact=esc(contact.get(current_language())))
        case Delivery.EMAIL:
            return _("The school has sent the copy of the dossier by e-mail to {email}.").format(
                email=esc(email)
            )
    return _("The school has answered your request with the copy of the dossier.")


def _outcome_line(
    case: Case,
    outcome: str,
    kept: Sequence[str],
    still_needed: bool,
    school: SchoolConfig,
    email: str,
) -> str:
    match outcome:
        case "answered":
            return _answered(case, school, email)
        case "corrected":
            return _("The data has been corrected.")
        case "statement_added":
            return _(
                "The data is not changed: it is a professional judgement, such as a "
                "teacher's observation, not a fact that can be corrected. Your own view "
                "has been added to your child's dossier and is kept with it, so that "
                "anyone who reads the judgement also reads your view."
            )
        case "erased":
            return _("The data has been deleted.")
        case "partly_erased":
            language = current_language()
            deleted = [
                c.label.get(language)
                for k in category_keys(case.details)
                if k not in kept and (c := school.category(k)) is not None
            ]
            lines = [
                _("Part of the data has been deleted: {deleted}. The school keeps:").format(
                    deleted=esc(", ".join(deleted))
                )
            ]
            return "\n".join(lines + kept_lines(school, kept, still_needed))
        case "done":
            return _("The teacher has acted on your change.")
        case "granted" if case.kind == Kind.RESTRICTION:
            return _(
                "The school has granted your request: it keeps this data, but does not use it "
                "otherwise. Before the restriction is lifted, you are told."
            )
        case "granted" if case.kind == Kind.OBJECTION:
            return _("The school has granted your objection: it stops this use of the data.")
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
    *,
    still_needed: bool = False,
    email: str = "",
) -> str:
    """``still_needed``: the child was at the school when data was kept (a partial deletion):
    it is kept because it is still needed for the child's education. ``email``: where a copy
    of the dossier was e-mailed, when the parent chose that."""
    lines = [_heading(case), _outcome_line(case, outcome, kept, still_needed, school, email)]
    if message:
        lines += [_("Message from the school:"), f"<blockquote>{esc(message)}</blockquote>"]
    if outcome in LESS_THAN_ASKED:
        lines += rights_lines(school)
    if documents:
        lines.append(
            _(
                "The documents follow in the next messages. Please tap the button under the "
                "last one when you have received them."
            )
        )
    elif case.in_effect_at_once:
        lines.append(_("You can see this change at any time under My requests in /menu."))
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
            "(autoriteitpersoonsgegevens.nl) and you may go to court (GDPR (AVG) Art. 12(4))."
        ),
        _("You can also contact the school first: {contact}").format(
            contact=esc(contact.get(language))
        ),
    ]


def ground_line(school: SchoolConfig, key: str | None) -> str | None:
    """'Why the school keeps the data: ...' for a refused deletion."""
    text = ground_text(school, key)
    if text is None:
        return None
    return _("Why the school keeps the data: {ground}").format(ground=text)


def rejected_notice(case: Case, reason: str, ground: str | None, school: SchoolConfig) -> str:
    """``ground``: the key of the ground a deletion was refused on."""
    lines = [_heading(case), _("The school has refused your request.")]
    if line := ground_line(school, ground):
        lines.append(line)
    lines += [_("Reason:"), f"<blockquote>{esc(reason)}</blockquote>", *rights_lines(school)]
    return "\n".join(lines)


def lift_notice(case: Case, ends: date, reason: str, school: SchoolConfig) -> str:
    """Told before a granted restriction is lifted (AVG art. 18(3)): when it ends, and why."""
    about = about_line(school, case.details)
    return "\n".join(
        [
            _heading(case),
            *([about] if about else []),
            lifted_line(ends),
            _("Reason:"),
            f"<blockquote>{esc(reason)}</blockquote>",
            _(
                "The law says you must be told before a restriction is lifted (GDPR (AVG) Art. "
                "18(3)). Until that day the restriction stays in force."
            ),
            *rights_lines(school),
        ]
    )


def consent_now_label(purpose: ConsentPurpose, allowed: bool) -> str:
    """What applies for a purpose now, in a word or two: photos for a photo purpose, the
    data passed on or not for an exchange."""
    if purpose.kind == "exchange":
        return _("data may be passed on") if allowed else _("data not passed on")
    return _("photos allowed") if allowed else _("no photos")


def lifted_line(ends: date) -> str:
    return _(
        "The school will lift the restriction on the use of this data on {date}: from then on "
        "it uses the data again as before."
    ).format(date=format_date(ends, "full"))


def recipients_informed_notice(case: Case, names: Sequence[str]) -> str:
    """The recipients the school informed of the change (AVG art. 19): only those that had
    received the data."""
    if not names:
        return "\n".join(
            [
                _heading(case),
                _(
                    "None of the organisations that can receive this kind of data had received "
                    "it about your child, so there was nobody else to inform of the change."
                ),
            ]
        )
    told = (
        _("The school has told these organisations about the restriction:")
        if case.kind == Kind.RESTRICTION
        else _("The school has passed the change on to:")
    )
    return "\n".join([_heading(case), told, *[f"• {esc(n)}" for n in names]])


def _applies(allowed: bool | None, refused: bool) -> str:
    """What applies for a purpose, and why, for any parent of the child."""
    if allowed:
        return _("photos allowed (a parent gave consent and nobody refused)")
    if refused:
        return _("no photos (a parent refused)")
    return _("no photos (nobody has given consent)")


def consent_changed_notice(
    student: Student,
    changes: dict[str, bool],
    effective: dict[str, bool],
    school: SchoolConfig,
    before: dict[str, bool | None] | None = None,
    refused: Collection[str] = (),
) -> str:
    """To the child's other parents: what changed (given, refused or withdrawn, by the
    parent's choice ``before``), and what now applies and why (``refused``: the purposes a
    parent refused)."""
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
        state = consent_change_label({"changes": changes, "before": before or {}}, purpose.key)
        lines.append(f"• {esc(purpose.label.get(language))}: {state}")
    lines += [
        "",
        _("What applies now:"),
        *[
            f"• {esc(p.label.get(language))}: "
            + (
                _applies(effective.get(p.key), p.key in refused)
                if p.kind == "photo"
                else consent_now_label(p, effective.get(p.key, False))
            )
            for p in school.consent_purposes
            if p.key in effective and (p.kind == "photo" or not photos_only)
        ],
        "",
        _("You can see and change your own choice under Photo consent in /menu."),
    ]
    return "\n".join(lines)


def controller_line(school: SchoolConfig) -> str:
    """Who is responsible for the data (the school board, from the config), and where it is
    kept."""
    return _(
        "Responsible for this data (the controller under the GDPR (AVG)): {controller}. It "
        "is kept in {system}; only the school's staff can see it."
    ).format(
        controller=esc(school.controller.get(current_language())),
        system=esc(school.administration_system),
    )


def recipient_lines(school: SchoolConfig, *, what: bool = True) -> list[str]:
    """Each recipient: what it receives (unless not ``what``), and on what basis."""
    language = current_language()
    return [
        f"• <b>{esc(r.name.get(language))}</b>: "
        + (f"{esc(r.receives.get(language))} " if what else "")
        + _("Basis: {basis}").format(basis=esc(r.basis.get(language)))
        for r in school.recipients
    ]


def good_to_know_lines(school: SchoolConfig) -> list[str]:
    """What the law says a parent is told beside the register (AVG art. 12, 13 and 15): no
    cost, no automated decisions, how long Privacyloket keeps its own records, and that
    Telegram chats with a bot are not end-to-end encrypted."""
    kept = school.retention
    return [
        _("<b>Good to know</b>"),
        "• " + _("Asking is free of charge (GDPR (AVG) Art. 12(5))."),
        "• "
        + _(
            "People at the school decide on every request; nothing is decided automatically "
            "(GDPR (AVG) Art. 22)."
        ),
        "• "
        + ngettext(
            "Privacyloket keeps what you type, and the school's messages, until {n} month "
            "after a request is closed.",
            "Privacyloket keeps what you type, and the school's messages, until {n} months "
            "after a request is closed.",
            kept.closed_case_text_months,
        ).format(n=kept.closed_case_text_months)
        + " "
        + ngettext(
            "The record of each request (number, kind, dates, outcome) is kept to show how it "
            "was handled; {n} year after your child has left the school, Privacyloket removes "
            "your child's details and the record no longer names your child.",
            "The record of each request (number, kind, dates, outcome) is kept to show how it "
            "was handled; {n} years after your child has left the school, Privacyloket removes "
            "your child's details and the record no longer names your child.",
            kept.left_pupil_years,
        ).format(n=kept.left_pupil_years),
        "• "
        + _(
            "Messages go through Telegram, and chats with a bot are not end-to-end encrypted. "
            "For the copy of the dossier you can choose to collect it at school or to receive "
            "it by e-mail instead."
        ),
    ]
