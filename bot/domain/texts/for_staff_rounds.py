"""What staff read about consent rounds, in their language: why a round cannot start, its
preview, its screen and summary, the digest's line, the privacy officer's counts and a
teacher's response line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.rounds.audience import Reach
from bot.domain.rounds.model import (
    MAX_DAYS_AHEAD,
    MAX_MESSAGE,
    Audience,
    DraftProblem,
    Problem,
    Refusal,
    Round,
    RoundRefused,
    RoundStatus,
)
from bot.domain.texts.for_staff_photo_checks import purpose_label
from bot.i18n import _, format_date, format_number, ngettext
from bot.markup import esc
from bot.schools.config import SchoolConfig

if TYPE_CHECKING:  # the views use these texts (their CSV), so only for the types
    from bot.domain.rounds.views import GroupRow, RoundLine, RoundView


def _purposes(school: SchoolConfig, keys: Sequence[str]) -> str:
    return ", ".join(purpose_label(school, k) for k in keys)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _counts_lines(view: RoundView, row: GroupRow) -> list[str]:
    return [
        "• "
        + _("{purpose}: {yes} / {no} / {open} / {paper}").format(
            purpose=purpose_label(view.school, key),
            yes=format_number(counts.yes),
            no=format_number(counts.no),
            open=format_number(counts.not_answered),
            paper=format_number(counts.on_paper),
        )
        for key, counts in row.purposes.items()
    ]


def _group_title(group: str) -> str:
    """'Group 3' (or 'No group'), at the start of a line."""
    name = _("group {name}").format(name=esc(group)) if group else _("no group")
    return name[:1].upper() + name[1:]


def _group_heading(row: GroupRow) -> str:
    return ngettext(
        "<b>{group}</b>: answered for {answered} of {children} child",
        "<b>{group}</b>: answered for {answered} of {children} children",
        row.children,
    ).format(
        group=_group_title(row.group),
        answered=format_number(row.answered),
        children=format_number(row.children),
    )


def _table(view: RoundView) -> list[str]:
    lines = [
        "",
        _("Per group and purpose: yes / no / not answered / on paper"),
    ]
    for row in view.groups:
        lines += [_group_heading(row), *_counts_lines(view, row)]
    lines += [
        ngettext(
            "<b>All groups</b>: answered for {answered} of {children} child",
            "<b>All groups</b>: answered for {answered} of {children} children",
            view.totals.children,
        ).format(
            answered=format_number(view.totals.answered),
            children=format_number(view.totals.children),
        ),
        *_counts_lines(view, view.totals),
    ]
    if view.removed_purposes:
        lines += [
            "",
            _(
                "No longer in the school's config: {purposes}. The answers given for them "
                "are kept."
            ).format(purposes=esc(", ".join(view.removed_purposes))),
        ]
    return lines


def round_title(view_round: Round, school: SchoolConfig) -> str:
    """'Consent round 3: Website, Newsletter' (HTML)."""
    return _("Consent round {number}: {purposes}").format(
        number=view_round.number, purposes=_purposes(school, view_round.purposes)
    )


def _state_line(view_round: Round, school: SchoolConfig) -> str:
    if view_round.status == RoundStatus.OPEN:
        return _("Open until {date}.").format(date=format_date(view_round.closes_on, "full"))
    ended = view_round.ended_at or view_round.closes_at
    day = format_date(ended.astimezone(school.tz).date())
    if view_round.status == RoundStatus.CANCELLED:
        return _("Cancelled on {date}.").format(date=day)
    return _("Closed on {date}.").format(date=day)


def _reach(not_linked: int, blocked: int) -> str:
    """'12 parents not linked to the bot, 1 blocked it' (a part that counts nobody is left
    out)."""
    parts = []
    if not_linked or not blocked:
        parts.append(
            ngettext(
                "{n} parent not linked to the bot", "{n} parents not linked to the bot", not_linked
            ).format(n=format_number(not_linked))
        )
    if blocked:
        parts.append(
            ngettext("{n} blocked it", "{n} blocked it", blocked).format(n=format_number(blocked))
        )
    return ", ".join(parts)


def _progress(view: RoundView) -> list[str]:
    lines = [
        _(
            "Sent in the bot: {sent} of {questions}. Answered: {answered} of {requests} "
            "questions, one per parent and child ({percent})."
        ).format(
            sent=format_number(view.sent),
            questions=format_number(view.questions),
            answered=format_number(view.answered),
            requests=format_number(view.requests),
            percent=_percent(view.answered, view.requests),
        ),
        _("On paper: {paper} not answered yet ({reach}); {came_in}.").format(
            paper=format_number(view.on_paper),
            reach=_reach(view.not_linked, view.blocked),
            came_in=ngettext(
                "{n} answer came in on paper",
                "{n} answers came in on paper",
                view.answered_on_paper,
            ).format(n=format_number(view.answered_on_paper)),
        ),
    ]
    extra = []
    if view.joined_late:
        extra.append(_("{count} joined later").format(count=format_number(view.joined_late)))
    if view.reminders:
        extra.append(
            ngettext("{n} reminder sent", "{n} reminders sent", view.reminders).format(
                n=format_number(view.reminders)
            )
        )
    if view.stopped:
        extra.append(
            _("{count} no longer asked (off the roster)").format(count=format_number(view.stopped))
        )
    if extra:
        lines.append("; ".join(extra) + ".")
    return lines


def round_screen(view: RoundView, paper_at_most: int = 30) -> str:
    """The round's screen for the director (with who needs paper) or the privacy officer
    (numbers only)."""
    audience = (
        _("Asked: every parent.")
        if view.round.audience == Audience.EVERYONE
        else _("Asked: parents without an answer for these purposes.")
    )
    lines = [
        "<b>" + round_title(view.round, view.school) + "</b>",
        esc(view.school.name) + ". " + _state_line(view.round, view.school) + " " + audience,
        *_progress(view),
        *_table(view),
    ]
    if view.paper:
        lines += ["", "<b>" + _("Needs paper") + "</b>"]
        for item in view.paper[:paper_at_most]:
            why = _("blocked the bot") if item.why == Reach.BLOCKED else _("not linked to the bot")
            done = " ✅" if item.answered else ""
            lines.append(
                "• "
                + _("{group}: {child}, {guardian} ({why})").format(
                    group=_group_title(item.group),
                    child=esc(item.child),
                    guardian=esc(item.guardian),
                    why=why,
                )
                + done
            )
        if len(view.paper) > paper_at_most:
            lines.append(
                _("and {count} more (see the CSV)").format(
                    count=format_number(len(view.paper) - paper_at_most)
                )
            )
    return "\n".join(lines)


def round_summary(view: RoundView) -> str:
    """To the directors when a round closes: what came of it, per group and purpose."""
    lines = [
        "<b>" + _("Consent round {number} has closed").format(number=view.round.number) + "</b>",
        esc(view.school.name) + ": " + _purposes(view.school, view.round.purposes),
        *_progress(view),
        *_table(view),
        "",
        _(
            "Answers that come in now still count, through Photo consent in the parents' "
            "menu; a paper form can still be recorded."
        ),
    ]
    return "\n".join(lines)


def digest_lines(open_rounds: Sequence[tuple[Round, int, int]], school: SchoolConfig) -> list[str]:
    """For the director's digest: each open round with its response rate ((round,
    questions asked, answered))."""
    if not open_rounds:
        return []
    lines = [_("Open consent rounds: {count}").format(count=len(open_rounds))]
    for open_round, asked, answered in open_rounds:
        lines.append(
            "• "
            + _("{title}, until {date}: {answered} of {asked} answered ({percent})").format(
                title=round_title(open_round, school),
                date=format_date(open_round.closes_on, "medium"),
                answered=format_number(answered),
                asked=format_number(asked),
                percent=_percent(answered, asked),
            )
        )
    return lines


def response_line(open_round: Round, children: int, answered: int) -> str:
    """In a teacher's consent list: 'Consent round 2: 21 of 27 answered'."""
    return _("Consent round {number}: {answered} of {children} answered").format(
        number=open_round.number,
        answered=format_number(answered),
        children=format_number(children),
    )


def officer_lines(schools: Sequence[tuple[SchoolConfig, Sequence[RoundView]]]) -> str:
    """For the privacy officer: per school, each round in numbers (no names)."""
    lines = ["<b>" + _("Consent rounds per school") + "</b>"]
    for school, views in schools:
        lines += ["", f"<b>{esc(school.name)}</b>"]
        if not views:
            lines.append(_("No consent rounds yet."))
        for view in views:
            lines.append(round_title(view.round, school) + ". " + _state_line(view.round, school))
            lines += _progress(view)
            for key, counts in view.totals.purposes.items():
                lines.append(
                    "• "
                    + _("{purpose}: {yes} / {no} / {open} / {paper}").format(
                        purpose=purpose_label(school, key),
                        yes=format_number(counts.yes),
                        no=format_number(counts.no),
                        open=format_number(counts.not_answered),
                        paper=format_number(counts.on_paper),
                    )
                )
    lines += ["", _("Per purpose: yes / no / not answered / on paper (children).")]
    return "\n".join(lines)


def problem_line(problem: DraftProblem, schools: dict[int, SchoolConfig]) -> str:
    """Why a draft cannot start, in one line (HTML)."""
    school = schools.get(problem.school_id) if problem.school_id is not None else None
    where = esc(school.name) + ": " if school is not None and len(schools) > 1 else ""
    purpose = (
        purpose_label(school, problem.purpose)
        if school is not None and problem.purpose is not None
        else esc(problem.purpose or "")
    )
    match problem.problem:
        case Problem.NOT_ALLOWED:
            return where + _(
                "only the head teacher or the privacy officer may start a round here."
            )
        case Problem.NO_PURPOSES:
            return where + _("choose at least one purpose.")
        case Problem.UNKNOWN_PURPOSE:
            return where + _("{purpose} is not a purpose in the school's config.").format(
                purpose=purpose
            )
        case Problem.PURPOSE_ENDED:
            return where + _("{purpose} has ended and can no longer be asked.").format(
                purpose=purpose
            )
        case Problem.CLOSING_AFTER_PURPOSE_ENDS:
            return where + _(
                "the closing date is after {purpose} ends: choose an earlier date."
            ).format(purpose=purpose)
        case Problem.CLOSING_IN_THE_PAST:
            return where + _("the closing date is in the past.")
        case Problem.CLOSING_TOO_FAR:
            return where + _("the closing date is more than {days} days ahead.").format(
                days=MAX_DAYS_AHEAD
            )
        case Problem.MESSAGE_TOO_LONG:
            return where + _("the message is longer than {limit} characters.").format(
                limit=MAX_MESSAGE
            )
        case Problem.MESSAGE_INVALID:
            return where + _("the message holds characters that cannot be sent.")
        case Problem.NO_RECIPIENTS:
            return where + _("nobody would be asked: no pupils, or every parent answered.")
        case Problem.OVERLAPS:
            assert problem.open_round is not None and school is not None
            return where + _(
                "{purpose} is already asked in consent round {number}, open until {date}."
            ).format(
                purpose=purpose,
                number=problem.open_round.number,
                date=format_date(problem.open_round.closes_on, "full"),
            )
    return where + problem.problem.value


def preview_text(
    previews: Sequence[tuple[SchoolConfig, int, int, int, int, int, int]],
) -> str:
    """Before Start: per school (school, round number, children, questions in the bot,
    pairs on paper, guardians not linked, guardians blocked)."""
    lines = ["<b>" + _("Before you start") + "</b>"]
    for school, number, children, asked, paper, not_linked, blocked in previews:
        lines += [
            "",
            _("<b>{school}</b>, consent round {number}").format(
                school=esc(school.name), number=number
            ),
            _("Children: {children}. Questions in the bot: {asked}.").format(
                children=format_number(children), asked=format_number(asked)
            ),
            _("On paper: {paper} ({reach}).").format(
                paper=format_number(paper), reach=_reach(not_linked, blocked)
            ),
        ]
    lines += [
        "",
        _("Nothing is sent until you tap Start. The first question, as a parent will see it:"),
    ]
    return "\n".join(lines)


def reach_label(*, stopped: bool, blocked: bool, asked: bool, linked: bool) -> str:
    """How a round reached a guardian, in a word or two (a cell of the round's table)."""
    if stopped:
        return _("no longer asked (off the roster)")
    if blocked:
        return _("on paper: blocked the bot")
    if asked:
        return _("in the bot")
    if linked:
        return _("in the bot (not yet asked)")
    return _("on paper: not linked")


def answered_via_label(via: str | None) -> str:
    match via:
        case "round":
            return _("in the bot")
        case "menu":
            return _("under Photo consent")
        case "paper":
            return _("on paper")
    return "–"


def rounds_list_text(schools: Sequence[tuple[SchoolConfig, Sequence[RoundLine]]]) -> str:
    """The consent rounds of the head teacher's school (or, for the privacy officer, of
    each school), open ones first."""
    lines = ["<b>" + _("Consent rounds") + "</b>"]
    for school, rounds in schools:
        if len(schools) > 1:
            lines += ["", f"<b>{esc(school.name)}</b>"]
        if not rounds:
            lines.append(_("No consent rounds yet."))
        for line in rounds:
            lines.append(
                "• "
                + round_title(line.round, school)
                + ". "
                + _state_line(line.round, school)
                + " "
                + _("{answered} of {requests} answered ({percent}).").format(
                    answered=format_number(line.answered),
                    requests=format_number(line.requests),
                    percent=_percent(line.answered, line.requests),
                )
            )
    lines += [
        "",
        _(
            "A round asks every parent, per child and purpose, for consent; it reminds those "
            "who did not answer and closes on its closing date."
        ),
    ]
    return "\n".join(lines)


def round_button_label(view_round: Round, school: SchoolConfig, several: bool) -> str:
    """A round in the list, as a button (plain text)."""
    label = _("Consent round {number}").format(number=view_round.number)
    if not view_round.is_open:
        label += " " + (
            _("(cancelled)") if view_round.status == RoundStatus.CANCELLED else _("(closed)")
        )
    return f"{school.name} · {label}" if several else label


def not_for_rounds() -> str:
    return _(
        "Consent rounds are started by the head teacher or the foundation's privacy officer. "
        "Nothing is shown."
    )


def close_question(view_round: Round) -> str:
    return "\n".join(
        [
            "<b>"
            + _("Close consent round {number} now?").format(number=view_round.number)
            + "</b>",
            _(
                "No more questions or reminders go out; those not sent yet are withdrawn. The "
                "head teacher gets the summary per group and purpose. Answers that come in "
                "later still count, through Photo consent in the parents' menu."
            ),
        ]
    )


def cancel_question(view_round: Round) -> str:
    return "\n".join(
        [
            "<b>" + _("Cancel consent round {number}?").format(number=view_round.number) + "</b>",
            _(
                "No more questions or reminders go out, and there is no summary. The answers "
                "parents already gave stay as they are; their buttons then say the round was "
                "cancelled."
            ),
        ]
    )


def ended_line(view_round: Round) -> str:
    if view_round.status == RoundStatus.CANCELLED:
        return _("Consent round {number} is cancelled.").format(number=view_round.number)
    return _("Consent round {number} is closed; the summary follows in a message.").format(
        number=view_round.number
    )


def staff_refusal_line(refused: RoundRefused, school: SchoolConfig | None) -> str:
    """Why Close now, Cancel, the screen or the table of a round was refused (nothing
    changed)."""
    found = refused.round
    if refused.reason == Refusal.NOT_OPEN and found is not None and school is not None:
        ended = found.ended_at or found.closes_at
        day = format_date(ended.astimezone(school.tz).date())
        if found.status == RoundStatus.CANCELLED:
            return _(
                "Consent round {number} was already cancelled on {date}. Nothing was changed."
            ).format(number=found.number, date=day)
        return _(
            "Consent round {number} was already closed on {date}. Nothing was changed."
        ).format(number=found.number, date=day)
    if refused.reason == Refusal.NOT_YOURS and found is not None:
        return _(
            "The table names children and parents: it is for the head teacher of the school. "
            "Nothing was sent."
        )
    return _("This consent round is not one of your school's. Nothing is shown or changed.")


def csv_caption(view_round: Round) -> str:
    return _(
        "Consent round {number}: per parent and child, how they were asked, when and how they "
        "answered, and their answer per purpose. It contains names: keep it on the school's "
        "computers and delete it when you no longer need it."
    ).format(number=view_round.number)
