"""Reading a date of birth the way Dutch parents (and Dutch spreadsheets) write it.

One parser for the bot and the roster import: day-month-year in every unambiguous form.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from babel.dates import get_month_names

_NUMERIC = re.compile(r"^(\d{1,2})[-/. ]+(\d{1,2})[-/. ]+(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:e|st|nd|rd|th)?\s*([^\W\d_]+)\.?,?\s+(\d{2}|\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


@cache
def _month_numbers() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("nl", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[name.lower().rstrip(".")] = number
    names.update({"mrt": 3, "sept": 9, "okt": 10, "mei": 5})
    return names


def _full_year(year: str, today: date) -> int:
    if len(year) == 4:
        return int(year)
    short = int(year)
    century = today.year - today.year % 100
    return century + short if century + short <= today.year else century - 100 + short


def _make(year: int, month: int, day: int, today: date) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_birth_date(text: str, today: date) -> date | None:
    """The date of birth in ``text``: a date (see :func:`read_date`) not in the future and
    not more than 120 years ago; None otherwise."""
    result = read_date(text, today)
    if result is None or result > today or result.year < today.year - 120:
        return None
    return result


def read_date(text: str, today: date) -> date | None:
    """The calendar date in ``text``, or None when it is not a date we can read.

    Accepts 12-03-2018, 12-3-2018, 12/3/18, 12.03.2018, 12032018, 2018-03-12,
    12 maart 2018, 12 mrt 2018, 12 March 2018 and March 12, 2018. A two-digit year is the
    latest year ending in those digits that is not after ``today``.
    """
    cleaned = " ".join(text.strip().lower().split())
    if len(cleaned) > 40:
        return None
    if m := _ISO.match(cleaned):
        return _make(int(m[1]), int(m[2]), int(m[3]), today)
    if m := _NUMERIC.match(cleaned):
        return _make(_full_year(m[3], today), int(m[2]), int(m[1]), today)
    if m := _COMPACT.match(cleaned):
        return _make(int(m[3]), int(m[2]), int(m[1]), today)
    months = _month_numbers()
    if (m := _DAY_MONTH_YEAR.match(cleaned)) and m[2] in months:
        return _make(_full_year(m[3], today), months[m[2]], int(m[1]), today)
    if (m := _MONTH_DAY_YEAR.match(cleaned)) and m[1] in months:
        return _make(int(m[3]), months[m[1]], int(m[2]), today)
    return None
