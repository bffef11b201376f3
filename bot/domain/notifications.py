"""Messages sent through the outbox, rendered in the recipient's language.

Each names its case number, so a rare duplicate after a crash is recognisable.
"""

from __future__ import annotations

from datetime import date

from bot.domain.case_details import category_keys
from bot.domain.case_texts import about_line, kind_label
from bot.domain.model import Case
from bot.i18n import _, current_language, format_date
from bot.markup import esc
from bot.outbox import Button, NoticeAction
from bot.schools.config import SchoolConfig
from storage.people import Student


def open_case_button(case_id: int, number: str) -> Button:
    """The button under a staff notice (alert, reminder) that opens the request, in the
    current language."""
    label = _("Open request {number}").format(number=number)
    return Button(label, NoticeAction.OPEN_CASE, (case_id,))


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
    if case.kind == "restriction":
        lines.append(
            _(
                "The parent asks the school to restrict the use of this data (AVG art. 18): "
                "keep it, but do not use it otherwise while the request is handled."
            )
        )
    if case.kind == "objection":
        lines.append(
            _(
                "The parent objects to the use of this data (AVG art. 21). The school stops "
                "unless it has compelling grounds that outweigh the parent's interests, or "
                "must process the data by law; a refusal names the ground."
            )
        )
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
    if case.kind == "consent":
        lines += consent_task_lines(case, school, _("this child"))
    if case.text:
        lines += ["", _("The parent wrote:"), f"<blockquote>{esc(case.text)}</blockquote>"]
    return lines


def consent_task_lines(case: Case, school: SchoolConfig, child: str) -> list[str]:
    """Per purpose a parent changed: what the teacher must do, by what now applies.

    ``child`` is HTML: the escaped first name, or "this child".
    """
    language = current_language()
    effective = case.details.get("effective", {})
    effective_before = case.details.get("effective_before", {})
    lines: list[str] = []
    changes = case.details.get("changes", {})
    takedown = case.details.get("takedown", [])
    for purpose in school.photo_purposes:
        if purpose.key in takedown:  # a pupil who left
            lines.append(
                _(
                    "• {purpose}: take down what was published of {child}, and use no more "
                    "photos or video of {child} for this."
                ).format(purpose=f"<b>{esc(purpose.label.get(language))}</b>", child=child)
            )
    for purpose in school.photo_purposes:
        if purpose.key not in changes:
            continue
        key, granted = purpose.key, changes[purpose.key]
        label = f"<b>{esc(purpose.label.get(language))}</b>"
        if not granted and effective_before.get(key, True):
            lines.append(
                _(
                    "• {purpose}: consent withdrawn. Stop using photos and video of {child} "
                    "for this, and take down what was already published."
                ).format(purpose=label, child=child)
            )
        elif not granted:
            lines.append(
                _(
                    "• {purpose}: consent refused, so {child} may not appear in photos and "
                    "video for this. Record the refusal."
                ).format(purpose=label, child=child)
            )
        elif effective.get(key, True):
            lines.append(
                _(
                    "• {purpose}: consent given. Record the new consent: {child} may now "
                    "appear in photos and video for this."
                ).format(purpose=label, child=child)
            )
        else:
            lines.append(
                _(
                    "• {purpose}: consent given by this parent, but another parent has not "
                    "given it, so {child} still may not appear for this. Record the new "
                    "choice."
                ).format(purpose=label, child=child)
            )
    return lines


def _consent_task_reason(case: Case, student: Student, school: SchoolConfig) -> str:
    received = format_date(case.received_at.astimezone(school.tz).date())
    due = format_date(case.due, "full")
    if left_on := case.details.get("left_on"):
        return _(
            "{child} is no longer on the school's roster (since {date}). Photos and video of "
            "a pupil who left may no longer be published. Please act on it by {due}."
        ).format(
            child=esc(student.first_name),
            date=format_date(date.fromisoformat(left_on)),
            due=due,
        )
    return _(
        "A parent changed the photo consent on {received}; it applies from that "
        "moment. Please act on it by {due}."
    ).format(received=received, due=due)


def _consent_task_alert(case: Case, student: Student, school: SchoolConfig) -> str:
    return "\n".join(
        [
            _("<b>Photo consent task {number}</b>").format(number=esc(case.number)),
            _("For: {child}").format(child=_child(student)),
            _consent_task_reason(case, student, school),
            "",
            *consent_task_lines(case, school, esc(student.first_name)),
            "",
            _("Before you post photos: /consents shows who may not appear, per purpose."),
        ]
    )


def new_case_alert(case: Case, student: Student, school: SchoolConfig) -> str:
    if case.kind == "consent":
        return _consent_task_alert(case, student, school)
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
        _("Another parent or guardian of {child} has changed their photo consent:").format(
            child=esc(student.first_name)
        ),
    ]
    for purpose in school.photo_purposes:
        if purpose.key not in changes:
            continue
        state = _("consent given") if changes[purpose.key] else _("no consent")
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
