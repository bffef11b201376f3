"""What a teacher (or the head teacher) reads in the consent lists beside a round: checking
a photo before it is published, a pupil's screen, and recording a signed paper form."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.consent_csv import appearance_label
from bot.domain.consent_lists import Appearance
from bot.domain.rounds.paper import GuardianChoice
from bot.i18n import _, current_language, format_number, ngettext
from bot.markup import esc
from bot.schools.config import ConsentPurpose, PhotoPurpose, SchoolConfig
from storage.people import Student

YES, NO = "✅", "❌"
CHOSEN = "✅"


def pupil_name(student: Student) -> str:
    """A pupil's name as a button shows it (plain text, not HTML)."""
    return f"{student.first_name} {student.last_name}"


def _name(student: Student) -> str:
    return esc(pupil_name(student))


def _group(name: str | None) -> str:
    return _("group {name}").format(name=esc(name)) if name else _("no group")


# --- Check a photo ------------------------------------------------------------------------


def check_purpose_text(group_name: str) -> str:
    return "\n".join(
        [
            "<b>" + _("Check a photo") + "</b> · " + _group(group_name),
            _("Where will the photo or video be published?"),
            _(
                "Then tap the children who appear in it. No photo is sent or kept: the "
                "check only looks at the consent as it is now."
            ),
        ]
    )


def check_screen_text(
    purpose: PhotoPurpose,
    group_names: Sequence[str],
    chosen: Sequence[Student],
    pupils: int,
    first: int,
    last: int,
) -> str:
    """The children's names to tap: which purpose, which groups, who is chosen so far, and
    which names this page shows (``first`` to ``last`` of ``pupils``, counted from 1)."""
    label = esc(purpose.label.get(current_language()))
    groups = ", ".join(_group(g) for g in group_names)
    lines = [
        "<b>" + _("Check a photo") + f"</b> · {label}",
        groups,
        _("Tap the children who appear in the photo (tap again to undo), then tap Check."),
    ]
    if last - first + 1 < pupils:
        lines.append(
            _("Names {first}–{last} of {total}.").format(
                first=format_number(first), last=format_number(last), total=format_number(pupils)
            )
        )
    lines.append("")
    if chosen:
        lines.append(
            ngettext("In the photo: {n} child", "In the photo: {n} children", len(chosen)).format(
                n=len(chosen)
            )
            + ": "
            + ", ".join(_name(s) for s in chosen)
        )
    else:
        lines.append(_("In the photo: nobody chosen yet."))
    return "\n".join(lines)


def check_button(chosen: int) -> str:
    return _("Check ({n})").format(n=chosen) if chosen else _("Check")


def previous_page() -> str:
    return _("‹ Previous")


def next_page() -> str:
    return _("Next ›")


def check_nobody_chosen() -> str:
    return _("Tap at least one child who appears in the photo first. Nothing was checked.")


def check_not_theirs() -> str:
    return _(
        "You can only check photos of children in your own groups. Nothing was checked; "
        "ask the head teacher if you need another group."
    )


def check_unknown_purpose() -> str:
    return _(
        "That purpose is not in the school's list of photo purposes (any more). Nothing was "
        "checked: pick the purpose again."
    )


def check_not_open() -> str:
    return _(
        "This photo check is already finished or was stopped. Nothing was changed: tap "
        "Check a photo in the consent list to start a new one."
    )


def check_buttons_only(photo: bool) -> str:
    if photo:
        return _(
            "The photo itself is not needed and is not kept. Tap the children who appear in "
            "it under the message below."
        )
    return _(
        "Names cannot be typed here: tap the children who appear in the photo under the "
        "message below."
    )


def check_again() -> str:
    return _("Check another photo")


# --- A pupil's screen ---------------------------------------------------------------------


def pupils_text(group_name: str, total: int, first: int, last: int) -> str:
    lines = [
        "<b>" + _("Pupils") + "</b> · " + _group(group_name),
        _(
            "Tap a pupil to see their consent per purpose and to record a paper form that "
            "came back signed."
        ),
    ]
    if last - first + 1 < total:
        lines.append(
            _("Names {first}–{last} of {total}.").format(
                first=format_number(first), last=format_number(last), total=format_number(total)
            )
        )
    return "\n".join(lines)


def pupil_text(
    student: Student,
    school: SchoolConfig,
    states: dict[str, Appearance],
    guardians: Sequence[GuardianChoice],
) -> str:
    """A pupil's screen: what holds per purpose now, and their parents."""
    language = current_language()
    lines = [f"<b>{_name(student)}</b> · {_group(student.group_name)}", ""]
    for purpose in school.consent_purposes:
        state = states.get(purpose.key, Appearance.UNKNOWN)
        lines.append(
            f"• {esc(purpose.label.get(language))}: {appearance_label(state, purpose.kind)}"
        )
    lines += ["", _("Parents:")]
    for guardian in guardians:
        where = _("uses the bot") if guardian.in_bot else _("not in the bot")
        lines.append(f"• {esc(guardian.name)} ({where})")
    if not guardians:
        lines.append("• " + _("none on the roster"))
    return "\n".join(lines)


def record_paper_button() -> str:
    return _("Record a paper answer")


def pupils_button() -> str:
    return _("Pupils · paper answers")


def check_photo_button() -> str:
    return _("Check a photo")


def back_to_list() -> str:
    return _("« Back to the list")


def back_to_pupil(student: Student) -> str:
    return _("« Back to {child}").format(child=student.first_name)


# --- Recording a paper answer -------------------------------------------------------------


def who_signed_text(student: Student) -> str:
    return "\n".join(
        [
            "<b>" + _("Record a paper answer") + f"</b> · {_name(student)}",
            _("Who signed the form?"),
        ]
    )


def paper_form_text(
    student: Student,
    guardian: str,
    purposes: Sequence[ConsentPurpose],
    chosen: dict[str, bool],
    round_number: int | None = None,
) -> str:
    """The form to fill in as it came back; ``round_number``: the open round whose printed
    form it is (its purposes are the ones shown)."""
    language = current_language()
    lines = [
        "<b>" + _("Record a paper answer") + f"</b> · {_name(student)}",
        _("Signed by: {parent}").format(parent=esc(guardian)),
        _(
            "Tap Yes or No for each purpose as it was ticked on the form, then Review. Leave "
            "a purpose open when nothing was ticked: no answer counts as no."
        ),
        "",
    ]
    if round_number is not None:
        lines.append(
            _("The purposes on the form of consent round {number}:").format(number=round_number)
        )
    for number, purpose in enumerate(purposes, 1):
        answer = chosen.get(purpose.key)
        ticked = _("yes") if answer is True else _("no") if answer is False else _("not ticked")
        lines.append(f"<b>{number}. {esc(purpose.label.get(language))}</b>: {ticked}")
    return "\n".join(lines)


def yes() -> str:
    return _("Yes")


def no() -> str:
    return _("No")


def review_button() -> str:
    return _("Review")


def confirm_button() -> str:
    return _("Confirm")


def change_button() -> str:
    return _("Change")


def cancel_button() -> str:
    return _("Cancel")


def paper_nothing_ticked() -> str:
    return _("Tap Yes or No for at least one purpose first. Nothing was recorded.")


def _answers(purposes: Sequence[ConsentPurpose], chosen: dict[str, bool]) -> list[str]:
    language = current_language()
    return [
        f"• {esc(p.label.get(language))}: " + (_("yes") if chosen[p.key] else _("no"))
        for p in purposes
        if p.key in chosen
    ]


def paper_review_text(
    student: Student,
    guardian: str,
    purposes: Sequence[ConsentPurpose],
    chosen: dict[str, bool],
) -> str:
    return "\n".join(
        [
            "<b>" + _("Record this paper answer?") + "</b>",
            _("{child}, signed by {parent}:").format(child=_name(student), parent=esc(guardian)),
            *_answers(purposes, chosen),
            "",
            _(
                "It counts like an answer in the bot. The child's ledger shows it as on "
                "paper, recorded by you; the rule for two parents applies, and the other parent "
                "is told of a change."
            ),
        ]
    )


def paper_recorded_text(
    student: Student,
    guardian: str,
    purposes: Sequence[ConsentPurpose],
    chosen: dict[str, bool],
    states: dict[str, Appearance],
) -> str:
    language = current_language()
    lines = [
        "✅ <b>" + _("Paper answer recorded") + "</b>",
        _("{child}, signed by {parent}:").format(child=_name(student), parent=esc(guardian)),
        *_answers(purposes, chosen),
        "",
        _("What applies now:"),
    ]
    for purpose in purposes:
        if purpose.key in chosen:
            state = states.get(purpose.key, Appearance.UNKNOWN)
            lines.append(
                f"• {esc(purpose.label.get(language))}: {appearance_label(state, purpose.kind)}"
            )
    return "\n".join(lines)


def paper_already_recorded() -> str:
    return _("This paper answer was already recorded. Nothing was changed.")


def paper_not_theirs() -> str:
    return _(
        "You can only record paper answers for pupils of your own groups (the head teacher: "
        "of the school). Nothing was recorded."
    )


def paper_not_on_form() -> str:
    return _(
        "That parent or purpose does not belong on this pupil's form (any more). Nothing was "
        "recorded: open the pupil again."
    )


def paper_buttons_only() -> str:
    return _("Answers from a paper form are not typed: tap Yes or No under the message below.")
