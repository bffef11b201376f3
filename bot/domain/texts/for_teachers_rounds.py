"""What a teacher (or the head teacher) reads in the consent lists beside a round: checking
a photo before it is published."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import _, current_language, format_number, ngettext
from bot.markup import esc
from bot.schools.config import PhotoPurpose
from storage.people import Student

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


def check_photo_button() -> str:
    return _("Check a photo")


def back_to_list() -> str:
    return _("« Back to the list")
