"""Group names as the bot keeps them, and the order a school lists them in."""

from __future__ import annotations

import re


def group_name(value: str) -> str:
    """The group as the bot names it: "Groep 5", "groep5" and " 5 " are all group "5"."""
    return re.sub(r"^(groep|group)\s*", "", " ".join(value.split()), flags=re.IGNORECASE)


def group_level(name: str) -> int | None:
    """The year a group is in (5 for "5", "5b" or "5/6"), or None when its name has none."""
    found = re.match(r"\d+", name)
    return int(found.group()) if found else None


def group_order(name: str) -> tuple[int, int, str]:
    """Sorts groups as a school does: 1, 2, ..., 10, then names without a number."""
    level = group_level(name)
    return (0, level, name) if level is not None else (1, 0, name)
