"""Small pieces of text used on several screens."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from bot.i18n import _, format_number, ngettext
from handlers.render import esc
from storage.people import Student


def group_label(name: str | None) -> str:
    if not name:
        return _("no group")
    return _("group {name}").format(name=esc(name))


def groups_label(names: Sequence[str]) -> str:
    """'group 3', or for several 'groups 3 and 4' (in Dutch 'groep 3 en 4')."""
    if len(names) == 1:
        return group_label(names[0])
    joined = _("{items} and {last}").format(
        items=", ".join(esc(n) for n in names[:-1]), last=esc(names[-1])
    )
    return _("groups {names}").format(names=joined)


def child_line(child: Student) -> str:
    line = f"{esc(child.first_name)} {esc(child.last_name)}, {group_label(child.group_name)}"
    if child.left_at is not None:
        line += " " + _("(has left the school)")
    return line


def wait_text(until: datetime, now: datetime) -> str:
    """'in 30 seconds' / 'in 4 minutes': how long someone has to wait."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    if seconds < 90:
        return ngettext("in {n} second", "in {n} seconds", seconds).format(n=seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("in {n} minute", "in {n} minutes", minutes).format(n=minutes)


def too_long(length: int, limit: int) -> str:
    """The answer to a text over its limit: it is refused, never cut."""
    return _(
        "Your text is {length} characters long; the limit is {limit}. Please shorten "
        "it and send it again. Nothing has been sent yet."
    ).format(length=format_number(length), limit=format_number(limit))
