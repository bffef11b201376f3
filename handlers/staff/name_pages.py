"""A group's names as buttons that fit a phone: two per row (a name stays readable on a
narrow screen), and at most ``PAGE`` names at a time (ten rows, about one screen), with
Previous / Next below when a group (or a few groups for an event) has more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

PAGE = 20
PER_ROW = 2

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NamePage:
    number: int
    """From 0; a page beyond the last is the last."""
    pages: int
    start: int
    end: int
    """``items[start:end]`` are on this page."""

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number < self.pages - 1


def name_page(count: int, wanted: int, size: int | None = None) -> NamePage:
    """Page ``wanted`` of ``count`` names (clamped to the pages there are), ``PAGE`` names
    a page unless told. A page would leave fewer than a quarter of its size for the next
    one: those few names stay on it, so that a group of 22 is one page, not 20 and then 2."""
    size = PAGE if size is None else size
    pages = max(1, -(-count // size))
    if pages > 1 and count - (pages - 1) * size <= size // 4:
        pages -= 1
    number = min(max(wanted, 0), pages - 1)
    start = number * size
    end = count if number == pages - 1 else start + size
    return NamePage(number, pages, start, end)


def rows_of(items: Sequence[T], per_row: int = PER_ROW) -> list[list[T]]:
    return [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]
