"""What a guardian reads in a consent round, in their language: the question per child
with a Yes and a No per purpose and Send, a reminder, what holds after they answered, and
why a button of the round no longer does anything."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.consent import LedgerLine, PurposeState
from bot.domain.rounds.model import Question, Refusal, RoundAction, RoundRefused
from bot.domain.texts.for_parents import consent_now_label
from bot.i18n import _, current_language, format_date
from bot.markup import esc
from bot.outbox import Button, Keyboard
from bot.schools.config import ConsentPurpose, ExchangePurpose, SchoolConfig
from storage.people import Student

YES, NO = "✅", "❌"


def purpose_lines(purpose: ConsentPurpose) -> list[str]:
    """What the school's config says about a purpose, as a parent reads it (HTML)."""
    language = current_language()
    if not isinstance(purpose, ExchangePurpose):
        return [esc(purpose.explanation.get(language))]
    lines = [
        _("Passed to: {organisation}").format(
            organisation=esc(purpose.organisation.get(language))
        ),
        _("Which data: {data}").format(data=esc(purpose.data.get(language))),
        _("Why: {why}").format(why=esc(purpose.why.get(language))),
    ]
    if purpose.valid_until is not None:
        lines.append(
            _("Until: {date} (after that, it ends by itself)").format(
                date=format_date(purpose.valid_until)
            )
        )
    return lines


def exchanges_heading(child: str) -> list[str]:
    """Above the exchanges on the consent screen (HTML)."""
    return [
        "",
        "<b>" + _("Data passed to other organisations") + "</b>",
        _(
            "For each organisation below, you decide whether the school may pass on the data "
            "of {child}. No answer counts as no."
        ).format(child=esc(child)),
    ]


def exchange_lines(
    purpose: ExchangePurpose, state: PurposeState, mark: str, choice: str, child: str
) -> list[str]:
    """An exchange on the consent screen: what goes where and why, the parent's answer
    (``choice``, as the screen words it) and what applies now (HTML)."""
    label = esc(purpose.label.get(current_language()))
    name = esc(child)
    if state.ended:
        assert purpose.valid_until is not None
        return [
            "",
            _("<b>{purpose}</b> ended after {date}: consent for it no longer applies.").format(
                purpose=label, date=format_date(purpose.valid_until)
            ),
        ]
    if state.effective and state.own:
        now = _("Now: the data of {child} may be passed on (you gave consent).")
    elif state.effective:
        now = _(
            "Now: the data of {child} may be passed on, because another parent gave consent "
            "and nobody refused."
        )
    elif state.own is False:
        now = _("Now: the data of {child} is not passed on (you refused).")
    elif state.refused_by_other:
        now = _("Now: the data of {child} is not passed on, because another parent refused.")
    else:
        now = _("Now: the data of {child} is not passed on (nobody has given consent).")
    return [
        "",
        f"{mark} <b>{label}</b>",
        *purpose_lines(purpose),
        _("Your answer: {choice}").format(choice=choice),
        now.format(child=name),
    ]


def answer_label(choice: bool | None) -> str:
    if choice is None:
        return _("not answered")
    return _("consent given") if choice else _("no consent")


def _child(student: Student) -> str:
    if student.group_name:
        return _("{child} (group {group})").format(
            child=esc(student.first_name), group=esc(student.group_name)
        )
    return esc(student.first_name)


def question_text(question: Question) -> str:
    """The round's question about one child: the school, the child, the school's message,
    each purpose with the school's own description and the guardian's answer now."""
    language = current_language()
    round = question.round
    lines = [
        "<b>"
        + _("{school} asks for your consent").format(school=esc(question.school.name))
        + "</b>",
        _("For: {child}").format(child=_child(question.student)),
    ]
    message = round.message_in(language)
    if message:
        lines += ["", f"<blockquote>{esc(message)}</blockquote>"]
    lines += [
        "",
        _(
            "For each purpose below, you decide whether the school may do this with the "
            "photos or data of {child}. Tap Yes or No, then Send. You may leave a purpose "
            "open: no answer counts as no."
        ).format(child=esc(question.student.first_name)),
    ]
    for number, (purpose, own) in enumerate(zip(question.purposes, question.own, strict=True), 1):
        lines += [
            "",
            f"<b>{number}. {esc(purpose.label.get(language))}</b>",
            *purpose_lines(purpose),
            _("Your answer now: {answer}").format(answer=answer_label(own)),
        ]
    lines.append("")
    if question.offers_keep:
        lines.append(
            _(
                "Nothing changed for you? Tap Keep as it is. If you do not answer, your "
                "earlier answers stay as they are: consent does not end by itself."
            )
        )
    lines += [
        _("Please answer by {date}.").format(date=format_date(round.closes_on, "full")),
        _("You can change your answers at any time under Photo consent in /menu."),
    ]
    return "\n".join(lines)


def question_keyboard(question: Question, chosen: dict[str, bool] | None = None) -> Keyboard:
    """Per purpose a Yes and a No (the chosen one marked; tapping it again clears it), Keep
    as it is in a re-confirmation, and Send. Labels are plain text."""
    chosen = chosen or {}
    request = question.request_id
    rows: list[tuple[Button, ...]] = []
    for number, purpose in enumerate(question.purposes, 1):
        key = purpose.key
        current = chosen.get(key)
        buttons = []
        for value, label, mark in ((True, _("Yes"), YES), (False, _("No"), NO)):
            after = dict(chosen)
            if current is value:
                after.pop(key)
            else:
                after[key] = value
            shown = f"{number}. {mark} {label}" if current is value else f"{number}. {label}"
            buttons.append(Button(shown, RoundAction.CHOOSE, (request, question.code(after))))
        rows.append(tuple(buttons))
    if question.offers_keep:
        rows.append((Button(_("Keep as it is"), RoundAction.KEEP, (request,)),))
    rows.append((Button(_("Send"), RoundAction.SEND, (request, question.code(chosen))),))
    return Keyboard(tuple(rows), Button(_("Answer"), RoundAction.OPEN, (request,)))


def reminder_text(question: Question, asked: datetime) -> str:
    """A short reminder with the same buttons as the question."""
    language = current_language()
    school = question.school
    lines = [
        _("<b>Reminder:</b> on {date} {school} asked for your consent for {child}:").format(
            date=format_date(asked.astimezone(school.tz).date()),
            school=esc(school.name),
            child=_child(question.student),
        ),
        *[
            f"{number}. {esc(p.label.get(language))}"
            for number, p in enumerate(question.purposes, 1)
        ],
        "",
        _(
            "Please answer by {date}: tap Yes or No for each purpose, then Send. No answer "
            "counts as no."
        ).format(date=format_date(question.round.closes_on, "full")),
    ]
    if question.offers_keep:
        lines.append(_("If you do not answer, your earlier answers stay as they are."))
    return "\n".join(lines)


def answered_text(
    student: Student,
    school: SchoolConfig,
    purposes: Sequence[ConsentPurpose],
    own: dict[str, bool],
    states: Sequence[PurposeState],
    case_number: str | None,
) -> str:
    """After Send (or Keep): what the guardian answered, what now applies, and how to
    change it later."""
    language = current_language()
    by_key = {s.key: s for s in states}
    lines = [
        _("<b>Thank you.</b> Your answers for {child} are saved:").format(
            child=esc(student.first_name)
        )
    ]
    for purpose in purposes:
        answer = own.get(purpose.key)
        text = answer_label(answer)
        if answer is None:
            text = _("not answered (counts as no)")
        lines.append(f"• {esc(purpose.label.get(language))}: {text}")
    lines += ["", _("What applies now:")]
    for purpose in purposes:
        state = by_key.get(purpose.key)
        allowed = state is not None and state.effective
        line = f"• {esc(purpose.label.get(language))}: {consent_now_label(purpose, allowed)}"
        if state is not None and not allowed and state.refused_by_other and own.get(purpose.key):
            line += " " + _("(another parent refused)")
        lines.append(line)
    if case_number is not None:
        lines += [
            "",
            _("The teacher has been informed (change {number}, under My requests).").format(
                number=esc(case_number)
            ),
        ]
    lines += [
        "",
        _("You can change this at any time under Photo consent in /menu."),
    ]
    return "\n".join(lines)


def refusal_text(refused: RoundRefused, school: SchoolConfig, student: Student | None) -> str:
    """Why a button of a round did nothing (a direct reply; nothing was changed)."""
    child = esc(student.first_name) if student is not None else _("your child")
    menu = _("You can give or change your consent at any time under Photo consent in /menu.")
    match refused.reason:
        case Refusal.ROUND_CLOSED:
            closed = refused.round.closes_on if refused.round is not None else None
            head = (
                _("This consent round closed after {date}.").format(date=format_date(closed))
                if closed is not None
                else _("This consent round has closed.")
            )
            return f"{head} {menu}"
        case Refusal.ROUND_CANCELLED:
            return _(
                "The school has cancelled this consent round: nothing was changed. {menu}"
            ).format(menu=menu)
        case Refusal.OFF_ROSTER:
            return _(
                "You are no longer listed as a parent or guardian of {child} at {school}, so "
                "this question no longer applies. Nothing was changed."
            ).format(child=child, school=esc(school.name))
        case Refusal.ALREADY_ANSWERED:
            when = refused.answered_at
            head = (
                _("You already answered this question on {date}.").format(
                    date=format_date(when.astimezone(school.tz).date())
                )
                if when is not None
                else _("You already answered this question.")
            )
            return head + " " + _("To change your answers, use Photo consent in /menu.")
        case Refusal.INVALID:
            return _("Choose Yes or No for at least one purpose, then tap Send.")
        case Refusal.NOTHING_TO_KEEP:
            return _("There is no earlier answer to keep: choose Yes or No for each purpose.")
    return _("This button is not meant for you. Nothing was changed.")


def ledger_text(lines: Sequence[LedgerLine], school: SchoolConfig, student: Student) -> str:
    """A child's consent ledger: who chose what, when, and how it came in; an exchange
    that ended by itself says so."""
    language = current_language()
    out = [_("<b>Consent ledger for {child}</b>").format(child=esc(student.first_name))]
    if not lines:
        out.append(_("Nobody has answered yet: no answer counts as no."))
    for line in lines:
        purpose = school.consent_purpose(line.purpose)
        label = esc(purpose.label.get(language) if purpose is not None else line.purpose)
        when = format_date(line.at.astimezone(school.tz).date())
        if line.granted is None:
            out.append(
                _(
                    "{date}: {purpose} has ended (it was valid until the day before); "
                    "consent for it no longer applies."
                ).format(date=when, purpose=label)
            )
            continue
        who = _("you") if line.own else _("another parent")
        what = _("consent given") if line.granted else _("no consent")
        how = ""
        if line.source == "round" and line.round_number is not None:
            how = " " + _("(consent round {number})").format(number=line.round_number)
        elif line.source == "paper":
            how = " " + _("(paper, recorded by {name})").format(
                name=esc(line.recorded_by or _("a staff member"))
            )
        out.append(
            _("{date}: {purpose}: {what}, by {who}").format(
                date=when, purpose=label, what=what, who=who
            )
            + how
        )
    return "\n".join(out)
