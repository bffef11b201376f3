"""What the head teacher (or the privacy officer) reads while preparing a consent round: the
draft with its choices, what to type, why it cannot start, the preview and what Start did."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.domain.rounds.model import MAX_DAYS_AHEAD, MAX_MESSAGE, Audience, Round, RoundDraft
from bot.domain.texts.for_staff_photo_checks import purpose_label
from bot.i18n import Language, _, format_date, format_number, ngettext
from bot.markup import esc
from bot.outbox import Keyboard
from bot.schools.config import SchoolConfig


def audience_label(audience: Audience) -> str:
    if audience == Audience.EVERYONE:
        return _("every parent (a yearly re-confirmation)")
    return _("only parents without an answer for these purposes (a new purpose, new pupils)")


def language_name(language: Language) -> str:
    return _("Dutch") if language == "nl" else _("English")


def draft_text(
    draft: RoundDraft, schools: dict[int, SchoolConfig], today: date, problems: Sequence[str] = ()
) -> str:
    """The draft as it stands, with what each button below it changes (HTML)."""
    chosen = [schools[i] for i in draft.school_ids if i in schools]
    first = chosen[0] if chosen else next(iter(schools.values()))
    names = ", ".join(esc(s.name) for s in chosen) or _("none")
    lines = ["<b>" + _("New consent round") + "</b>"]
    if problems:
        lines += ["", "<b>" + _("This round cannot start yet:") + "</b>"]
        lines += [f"• {p}" for p in problems]
    lines += [
        "",
        (
            _("Schools: {schools}").format(schools=names)
            if len(schools) > 1
            else _("School: {school}").format(school=names)
        ),
        _("Purposes: {purposes}").format(
            purposes=", ".join(purpose_label(first, k) for k in draft.purposes) or _("none")
        ),
        _("Who is asked: {audience}").format(audience=audience_label(draft.audience)),
    ]
    message = draft.message()
    if message is None:
        lines.append(_("Message from the school: none"))
    else:
        lines.append(_("Message from the school:"))
        for language in ("nl", "en"):
            typed = draft.message_nl if language == "nl" else draft.message_en
            shown = message[language]
            lines.append(f"{language_name(language)}: <blockquote>{esc(shown)}</blockquote>")
            if not (typed or "").strip():
                lines.append(
                    _("(the same text: no text in {language} was typed)").format(
                        language=language_name(language)
                    )
                )
    days = (draft.closes_on - today).days
    lines += [
        _("Closing date: {date} ({days})").format(
            date=format_date(draft.closes_on, "full"),
            days=ngettext("in {n} day", "in {n} days", days).format(n=days),
        ),
        "",
        _(
            "Tap a purpose to ask it or leave it out. Nothing is sent until you have seen the "
            "preview and tapped Start."
        ),
    ]
    return "\n".join(lines)


def message_prompt(language: Language) -> str:
    return "\n".join(
        [
            _("Type the school's message to the parents in {language}.").format(
                language=language_name(language)
            ),
            _(
                "It appears above the question. Without a text in the other language, every "
                "parent reads this one. At most {limit} characters."
            ).format(limit=format_number(MAX_MESSAGE)),
        ]
    )


def date_prompt(today: date) -> str:
    return _(
        "Type the closing date, for example {example}: parents can answer until the end of "
        "that day. At the latest {latest}."
    ).format(
        example=typed_example(today),
        latest=format_date(today + timedelta(days=MAX_DAYS_AHEAD), "full"),
    )


def typed_example(today: date) -> str:
    """A closing date as it is typed: two weeks from today."""
    return (today + timedelta(days=14)).strftime("%d-%m-%Y")


def unreadable_date(today: date) -> str:
    return _("That is not a date I can read. Please type it like {example}.").format(
        example=typed_example(today)
    )


def keyboard_lines(keyboard: Keyboard) -> list[str]:
    """The buttons under a parent's question, as text: '[1. Yes] [1. No]' per row."""
    return [" ".join(f"[{esc(b.label)}]" for b in row) for row in keyboard.rows]


def start_question(numbers: Sequence[tuple[SchoolConfig, int]], buttons: Sequence[str]) -> str:
    """Under the sample question: its buttons, and Start."""
    lines = [_("Under the question, the parent sees these buttons:"), *buttons, ""]
    if len(numbers) == 1:
        school, number = numbers[0]
        lines.append(
            _("Start consent round {number} at {school}?").format(
                number=number, school=esc(school.name)
            )
        )
    else:
        lines.append(
            _("Start the round at {count} schools?").format(count=format_number(len(numbers)))
        )
    lines.append(_("The questions go out at once, at the pace Telegram allows."))
    return "\n".join(lines)


def started_text(rounds: Sequence[Round], schools: dict[int, SchoolConfig]) -> str:
    lines = [
        _("Consent round {number} has started at {school}.").format(
            number=r.number, school=esc(schools[r.school_id].name)
        )
        for r in rounds
    ]
    lines.append(
        _("The questions go out now; the round's screen shows how many were sent and answered.")
    )
    return "\n".join(lines)


def draft_gone() -> str:
    return _("This draft was already started or cancelled. Nothing was changed.")


def draft_dropped() -> str:
    return _("The draft is dropped. Nothing was sent or stored.")


def refused_date(problem: str, kept: date) -> str:
    """A typed closing date that cannot be used: why, and the date that stays."""
    return _("That closing date cannot be used: {problem} The closing date stays {date}.").format(
        problem=problem, date=format_date(kept, "full")
    )


def sample_note() -> str:
    return _(
        "Shown here in your language: each parent receives the question in their own "
        "language (Dutch or English), with the school's message in that language."
    )


def refused_message(problem: str) -> str:
    """A typed message for the parents that cannot be used: why; the draft is unchanged."""
    return _(
        "That message cannot be used: {problem} Please type it again; the draft is unchanged."
    ).format(problem=problem)
