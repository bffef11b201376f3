"""A group's consent table (photo purposes, then exchanges) as a CSV file that Excel opens
correctly.

Excel decides how to read a double-clicked .csv from the computer's regional settings:
with Dutch settings the list separator is a semicolon (the comma is the decimal sign), so
a comma-separated file would land in one column. The file is therefore separated by
semicolons, and starts with a UTF-8 byte order mark, without which Excel reads it as
Windows-1252 and garbles names such as Zoë or Yılmaz. Lines end in CRLF (the csv
module's default). No dates of birth or other data beyond name and group.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from bot.domain.consent_lists import Appearance, GroupTable
from bot.domain.rounds.model import Round
from bot.i18n import _, current_language

SEPARATOR = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def appearance_label(state: Appearance, kind: str = "photo") -> str:
    """A cell of the table: may the child appear (a photo purpose), may their data go out
    (an exchange), and why not."""
    if kind == "exchange":
        match state:
            case Appearance.ALLOWED:
                return _("data may be passed on (consent)")
            case Appearance.REFUSED:
                return _("not passed on (consent refused)")
            case Appearance.DISAGREE:
                return _("not passed on (parents disagree)")
            case Appearance.UNKNOWN:
                return _("not passed on (no answer)")
            case Appearance.ENDED:
                return _("ended")
    match state:
        case Appearance.ALLOWED:
            return _("may appear (consent)")
        case Appearance.REFUSED:
            return _("may not appear (refused)")
        case Appearance.DISAGREE:
            return _("may not appear (parents disagree)")
        case Appearance.UNKNOWN:
            return _("may not appear (no answer)")
        case Appearance.ENDED:
            return _("ended")


def reason_label(state: Appearance) -> str:
    """Why a child may not appear, where the heading already says they may not."""
    match state:
        case Appearance.ALLOWED:
            return _("consent")
        case Appearance.REFUSED:
            return _("a parent refused")
        case Appearance.DISAGREE:
            return _("parents disagree")
        case Appearance.UNKNOWN:
            return _("no answer")
        case Appearance.ENDED:
            return _("the exchange has ended")


def safe_cell(value: str) -> str:
    """A spreadsheet must show a name, never run it as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


_cell = safe_cell


def _round_cell(answered: bool | None) -> str:
    if answered is None:
        return _("not asked")
    return _("answered") if answered else _("not answered (counts as no)")


def consent_csv(table: GroupTable, rounds: Sequence[tuple[Round, dict[int, bool]]] = ()) -> bytes:
    """The table; with a column per open consent round (``rounds``: who answered it)."""
    language = current_language()
    purposes = table.school.consent_purposes
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR)
    writer.writerow(
        [
            _("Pupil"),
            _("Group"),
            *[p.label.get(language) for p in purposes],
            *[_("Consent round {number}").format(number=r.number) for r, _answered in rounds],
        ]
    )
    for pupil in table.pupils:
        student = pupil.student
        writer.writerow(
            [
                _cell(f"{student.first_name} {student.last_name}"),
                _cell(table.group.name),
                *[appearance_label(pupil.states[p.key], p.kind) for p in purposes],
                *[_round_cell(answered.get(student.id)) for _r, answered in rounds],
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def csv_filename(table: GroupTable, today: date) -> str:
    group = "".join(ch if ch.isalnum() else "-" for ch in table.group.name)
    return _("photo-consent-group-{group}-{date}.csv").format(group=group, date=today.isoformat())
