"""What staff read about a case, in their language: new-request alerts, photo-consent
tasks, hand-overs, withdrawals, reminders and messages that could not be delivered. Each
names its case number, so a rare duplicate after a crash is recognisable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.case_details import category_keys, consent_withdrawn
from bot.domain.dossier_copy import Delivery, delivery_of
from bot.domain.model import Case, Kind
from bot.domain.outcomes import about_judgements
from bot.domain.texts.labels import about_line, kind_label
from bot.i18n import _, current_language, format_date, ngettext
from bot.markup import esc
from bot.outbox import Button, NoticeAction
from bot.schools.config import ExchangePurpose, PhotoPurpose, SchoolConfig
from storage.chat_links import ChatOwner
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
        lines.append(delivery_line(case, None))
    categories = [c for k in category_keys(details) if (c := school.category(k)) is not None]
    if about := about_line(school, details):
        lines.append(about)
    if case.kind == "rectification":
        lines.append(correction_note(about_judgements(case, school)))
    if case.kind == "restriction":
        lines.append(
            _(
                "The parent asks the school to restrict the use of this data (GDPR (AVG) Art. "
                "18): "
                "keep it, but do not use it otherwise while the request is handled."
            )
        )
    if case.kind == "objection":
        lines.append(
            _(
                "The parent objects to the use of this data (GDPR (AVG) Art. 21). The school "
                "stops "
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
            _(
                "Data the school still needs for the child's education, or keeps after "
                "leaving on a ground of the school's config, may be kept; the parent is told "
                "why, and whether it is a legal duty or the school's own policy."
            )
        )
    if case.kind == "consent":
        lines += consent_task_lines(case, school, _("this child"))
    if case.text:
        lines += ["", _("The parent wrote:"), f"<blockquote>{esc(case.text)}</blockquote>"]
    return lines


def delivery_line(case: Case, email: str | None) -> str:
    """How the parent receives the copy of the dossier, and what staff do for it; ``email``
    the parent's address (None: not shown here)."""
    match delivery_of(case.details):
        case Delivery.SCHOOL:
            return _(
                "The parent collects the copy at the school: answer the request when it is "
                "ready, and the parent is told to collect it."
            )
        case Delivery.EMAIL:
            where = (
                _("the address in the school's records")
                if email is None
                else esc(email) or _("no address known")
            )
            return _(
                "The parent receives the copy by e-mail from the school, at {address}: send "
                "it, then answer the request, and the parent is told it was sent."
            ).format(address=where)
    return _(
        "The parent receives the copy in this chat: attach it with Attach copy; it is sent "
        "when you answer the request."
    )


def correction_note(judgements: bool) -> str:
    """For staff answering a correction (AVG art. 16): a fact is corrected, a statement is
    only for a professional judgement."""
    if judgements:
        return _(
            "This data can hold professional judgements, such as observations. A wrong fact "
            "is corrected; a judgement is not changed, but the parent's statement is added "
            "beside it, and the parent is told why, with their rights."
        )
    return _(
        "This data holds facts: a wrong fact is corrected. A parent's statement is only for a "
        "professional judgement."
    )


def _taken_down(purpose: PhotoPurpose) -> str:
    """What the teacher takes down when a purpose no longer applies."""
    if purpose.handed_out:
        return _(
            "take down what is online (such as a copy on the website); copies already handed "
            "out cannot be recalled"
        )
    return _("take down what was published")


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
                    "• {purpose}: use no more photos or video of {child} for this, and "
                    "{take_down}."
                ).format(
                    purpose=f"<b>{esc(purpose.label.get(language))}</b>",
                    child=child,
                    take_down=_taken_down(purpose),
                )
            )
    for consent_purpose in school.consent_purposes:
        if consent_purpose.key not in changes:
            continue
        key, granted = consent_purpose.key, changes[consent_purpose.key]
        label = f"<b>{esc(consent_purpose.label.get(language))}</b>"
        if isinstance(consent_purpose, ExchangePurpose):
            lines.append(
                exchange_task_line(
                    label,
                    esc(consent_purpose.organisation.get(language)),
                    child,
                    granted=granted,
                    applied_before=effective_before.get(key, True),
                    applies=effective.get(key, True),
                )
            )
            continue
        purpose = consent_purpose
        withdrawn = consent_withdrawn(case.details, key)
        if not granted and effective_before.get(key, withdrawn):  # photos were allowed
            what = (
                _("• {purpose}: consent withdrawn.")
                if withdrawn
                else _("• {purpose}: consent refused by a parent, so it no longer applies.")
            )
            lines.append(
                what.format(purpose=label)
                + " "
                + _("Stop using photos and video of {child} for this, and {take_down}.").format(
                    child=child, take_down=_taken_down(purpose)
                )
            )
        elif not granted:
            what = (
                _("• {purpose}: consent withdrawn.")
                if withdrawn
                else _("• {purpose}: consent refused.")
            )
            lines.append(
                what.format(purpose=label)
                + " "
                + _("Record it: {child} may not appear in photos and video for this.").format(
                    child=child
                )
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
                    "• {purpose}: consent given by this parent, but another parent refused "
                    "it, so {child} still may not appear for this. Record the new choice."
                ).format(purpose=label, child=child)
            )
    return lines


def exchange_task_line(
    label: str,
    organisation: str,
    child: str,
    *,
    granted: bool,
    applied_before: bool,
    applies: bool,
) -> str:
    """What the teacher does after a change of consent for passing data on; the arguments
    are HTML."""
    if not granted and applied_before:
        return _(
            "• {purpose}: consent withdrawn. Pass no more data of {child} to {organisation}, "
            "and ask them to delete what they already received."
        ).format(purpose=label, child=child, organisation=organisation)
    if not granted:
        return _(
            "• {purpose}: consent refused, so no data of {child} may go to {organisation}. "
            "Record the refusal."
        ).format(purpose=label, child=child, organisation=organisation)
    if applies:
        return _(
            "• {purpose}: consent given. Record the new consent: the data of {child} may now "
            "go to {organisation}."
        ).format(purpose=label, child=child, organisation=organisation)
    return _(
        "• {purpose}: consent given by this parent, but another parent refused it, so "
        "no data of {child} may go to {organisation} yet. Record the new choice."
    ).format(purpose=label, child=child, organisation=organisation)


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


def not_a_school_day_note(day: date, school: SchoolConfig) -> str | None:
    """For staff choosing an answer date: a note when that day is no school day."""
    holiday = next((h for h in school.holidays if h.start <= day <= h.end), None)
    if holiday is not None and holiday.name is not None:
        where = _("Please note: that day falls in the {holiday}.").format(
            holiday=esc(holiday.name.get(current_language()))
        )
    elif holiday is not None:
        where = _("Please note: that day falls in a school holiday.")
    elif day.weekday() >= 5:
        where = _("Please note: that day falls on a weekend.")
    else:
        return None
    return (
        "⚠️ "
        + where
        + " "
        + _("The school may answer earlier; the parent is told this date as the latest.")
    )


def assigned_notice(case: Case, by: str, child: str) -> str:
    """To the staff member a case was escalated or assigned to."""
    return "\n".join(
        [
            _("<b>Request {number}</b> ({kind}) for {child} is now yours, from {by}.").format(
                number=esc(case.number), kind=kind_label(case.kind), child=esc(child), by=esc(by)
            ),
            _("Please handle it by {due} at the latest. Open it with /case {number}.").format(
                due=format_date(case.due, "full"), number=esc(case.number)
            ),
        ]
    )


def handed_over_notice(number: str, kind: Kind, child: str, due: date, reason: str) -> str:
    """To the staff member who now holds a case after a staff change at the school."""
    why = (
        _("the colleague who held it no longer works with Privacyloket")
        if reason == "removed"
        else _("the child's group now has another teacher")
    )
    return "\n".join(
        [
            _("<b>Request {number}</b> ({kind}) for {child} is now yours: {why}.").format(
                number=esc(number), kind=kind_label(kind), child=esc(child), why=why
            ),
            _("Please handle it by {due} at the latest. Open it with /case {number}.").format(
                due=format_date(due, "full"), number=esc(number)
            ),
        ]
    )


def _undelivered_to(owner: ChatOwner, names: Sequence[str]) -> str:
    """Whom a message did not reach, named where the bot knows them (HTML)."""
    named = esc(", ".join(names))
    if owner.guardian_ids:
        if names:
            return _("the parent or guardian {name}").format(name=named)
        return _("the parent or guardian")
    if owner.staff_ids:
        if names:
            return _("your colleague {name}").format(name=named)
        return _("a staff member")
    return _("a former user of the bot")


def undeliverable_notice(
    number: str | None, owner: ChatOwner, handed_over: bool = False, names: Sequence[str] = ()
) -> str:
    """The notice in the current language; ``names``: who the message was for."""
    if number is not None and handed_over:
        return _(
            "<b>Request {number}</b>: a message to {who} could not be delivered: they have "
            "blocked the bot or their Telegram account no longer exists. The request is now "
            "assigned to you; please also contact them another way."
        ).format(number=esc(number), who=_undelivered_to(owner, names))
    if number is None:
        return _(
            "A message from the bot to {who} could not be delivered: they have blocked "
            "the bot or their Telegram account no longer exists."
        ).format(who=_undelivered_to(owner, names))
    return _(
        "<b>Request {number}</b>: a message to {who} could not be delivered: they have "
        "blocked the bot or their Telegram account no longer exists. Please contact them "
        "another way."
    ).format(number=esc(number), who=_undelivered_to(owner, names))


def request_about(number: str, kind: str, child: str | None, group: str | None) -> str:
    """'request 2026-0004 (correction, Zoë, group 3)' in a reminder or a summary."""
    group_text = ", " + _("group {name}").format(name=esc(group)) if group else ""
    return _("request {number} ({kind}, {child}{group})").format(
        number=esc(number),
        kind=esc(kind_label(kind)),
        child=esc(child) if child else "–",
        group=group_text,
    )


def reminder_text(
    about: str, number: str, due: date, today: date, *, overdue: bool, last_school_day: bool
) -> str:
    """A reminder to the staff member holding a case: before its due date, on it, or while
    it is overdue. ``about`` is HTML (request_about)."""
    if overdue:
        late = (today - due).days
        head = ngettext(
            "Overdue: {about} was due on {date}, {days} day ago.",
            "Overdue: {about} was due on {date}, {days} days ago.",
            late,
        ).format(about=about, date=esc(format_date(due, "full")), days=late)
    elif due == today:
        head = _("Reminder: {about} is due today, {date}.").format(
            about=about, date=esc(format_date(due, "full"))
        )
    else:
        left = (due - today).days
        head = ngettext(
            "Reminder: {about} is due on {date}: {days} day left.",
            "Reminder: {about} is due on {date}: {days} days left.",
            left,
        ).format(about=about, date=esc(format_date(due, "full")), days=left)
        if last_school_day:
            head += "\n" + _("This is the last school day before the due date.")
    return head + "\n" + _("Open it with /case {number}.").format(number=esc(number))


def overdue_summary(items: Sequence[tuple[str, date, str | None]]) -> str:
    """The director's daily list of overdue requests: (about as HTML, due date, the name of
    who holds it or None)."""
    lines = [
        "<b>"
        + ngettext(
            "{count} request is overdue", "{count} requests are overdue", len(items)
        ).format(count=len(items))
        + "</b>"
    ]
    for about, due, holder in items:
        who = esc(holder) if holder else _("nobody yet")
        lines.append(
            "• "
            + _("{about}, due {date}, with {who}").format(
                about=about, date=esc(format_date(due, "medium")), who=who
            )
        )
    return "\n".join(lines)
