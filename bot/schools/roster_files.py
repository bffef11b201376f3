"""Reading a roster file as the school's administration exports it, into records per line.

Accepted: an Excel workbook (.xlsx, its first sheet), or CSV in UTF-8 (with or without BOM),
in Windows-1252 (what Dutch Excel writes for "CSV (gescheiden door lijstscheidingsteken)")
or in UTF-16 ("Unicode-tekst"), separated by commas, semicolons or tabs. Column names are
matched loosely (case, spaces, dashes and underscores do not count), in English or as Dutch
administration systems name them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.errors import UserFacingError, count

FIELDS = (
    "student_id",
    "first_name",
    "last_name",
    "birth_date",
    "group",
    "guardian_id",
    "guardian_name",
    "guardian_email",
    "guardian_language",
)
"""The columns a roster must have (``guardian_email`` may be empty)."""

NAME_PREFIX = "name_prefix"
"""Optional: the Dutch tussenvoegsel ("de", "van der"), put before the last name."""

ALIASES: dict[str, tuple[str, ...]] = {
    "student_id": ("student_id", "Leerlingnummer", "Leerlingnr", "Leerling-ID"),
    "first_name": ("first_name", "Roepnaam", "Voornaam", "Voornamen"),
    NAME_PREFIX: (NAME_PREFIX, "Tussenvoegsel", "Tussenvoegsels", "Voorvoegsel"),
    "last_name": ("last_name", "Achternaam"),
    "birth_date": ("birth_date", "Geboortedatum"),
    "group": ("group", "Groep"),
    "guardian_id": ("guardian_id", "Oudernummer", "Verzorgernummer", "Ouder-ID"),
    "guardian_name": ("guardian_name", "Naam ouder", "Naam verzorger", "Ouder/verzorger"),
    "guardian_email": ("guardian_email", "E-mail ouder", "E-mailadres ouder"),
    "guardian_language": ("guardian_language", "Taal ouder", "Taal"),
}
"""Per field, the column names that hold it, in order of preference: when a file has
several (ParnasSys exports both Roepnaam and Voornamen), the first one listed is used."""

MAX_ROWS = 50_000
"""Far more than a school's pupils and guardians; a bigger file is not a roster."""
MAX_COLUMNS = 500
"""An export has a few dozen columns; cells beyond these are not read."""

WINDOWS_1252 = "cp1252"
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_TOO_LONG = f"the file has more than {MAX_ROWS:,} rows: is it the roster?"
_SAVE_AS = "save it as 'CSV UTF-8' or as an Excel workbook (.xlsx)"


class RosterError(UserFacingError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"the roster was not imported ({count(len(problems), 'problem')})", problems
        )


@dataclass(frozen=True, slots=True)
class Record:
    """One line of the file: its line (or spreadsheet row) number and its values by field."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class RosterFile:
    records: list[Record]
    encoding: str
    """``utf-8``, ``cp1252``, ``utf-16`` or ``xlsx``: how the file was read."""


def _squash(name: str) -> str:
    return re.sub(r"[\s_\-./]+", "", name.strip().lstrip("\ufeff").lower())


_BY_NAME = {_squash(alias): field for field, aliases in ALIASES.items() for alias in aliases}


def read_roster_file(data: bytes) -> RosterFile:
    """The file's records, or RosterError saying why it cannot be read."""
    if data.startswith(_XLS_MAGIC):
        raise RosterError([f"the file is an old Excel workbook (.xls): {_SAVE_AS}"])
    if data.startswith(_XLSX_MAGIC):
        return RosterFile(_records(_xlsx_rows(data)), "xlsx")
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise RosterError([_TOO_LONG])
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise RosterError(
            [f"line {reader.line_num + 1}: not CSV that can be read ({exc})"]
        ) from None
    return RosterFile(_records(rows), encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in.

    UTF-8 first: Windows-1252 bytes above 127 are almost never valid UTF-8, so a file that
    is not UTF-8 but reads as Windows-1252 is what Excel wrote with Dutch settings.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode(WINDOWS_1252), WINDOWS_1252
        except UnicodeDecodeError:
            pass
    raise RosterError([f"the file is not text that can be read (not UTF-8): {_SAVE_AS}"])


def _cell(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows with their row numbers, every cell as text."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A damaged or hostile file fails in many ways inside openpyxl: each is the same answer.
    except Exception as exc:
        raise RosterError(
            [f"the file cannot be read as an Excel workbook ({type(exc).__name__}): {_SAVE_AS}"]
        ) from None
    try:
        if not workbook.worksheets:
            raise RosterError(["the workbook has no sheets"])
        rows: list[tuple[int, list[str]]] = []
        sheet = workbook.worksheets[0]
        if isinstance(sheet, ReadOnlyWorksheet):
            # The size the file claims can be anything: read the cells that are there.
            sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise RosterError([_TOO_LONG])
            rows.append((number, [_cell(v) for v in values[:MAX_COLUMNS]]))
        return rows
    except RosterError:
        raise
    except Exception as exc:
        raise RosterError(
            [f"the file cannot be read as an Excel workbook ({type(exc).__name__}): {_SAVE_AS}"]
        ) from None
    finally:
        workbook.close()


def _columns(header: Sequence[str]) -> dict[str, int]:
    """Per field, the index of the column that holds it (by the preference of ALIASES)."""
    found: dict[str, int] = {}
    rank: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _BY_NAME.get(_squash(name))
        if field is None:
            continue
        preference = [_squash(a) for a in ALIASES[field]].index(_squash(name))
        if field not in found or preference < rank[field]:
            found[field], rank[field] = index, preference
    return found


def _records(rows: Iterable[tuple[int, list[str]]]) -> list[Record]:
    rows = iter(rows)
    header: tuple[int, list[str]] | None = next(
        ((line, row) for line, row in rows if any(cell.strip() for cell in row)), None
    )
    if header is None:
        raise RosterError(["the file has no rows"])
    header_line, names = header
    columns = _columns(names)
    missing = [field for field in FIELDS if field not in columns]
    if missing:
        raise RosterError(
            [
                f"line {header_line}: missing column(s): {', '.join(missing)} "
                "(see 'Roster format' in the README for the names, English or Dutch)"
            ]
        )
    records: list[Record] = []
    for line, row in rows:
        values = {
            field: (row[index] if index < len(row) else "").strip()
            for field, index in columns.items()
        }
        if not any(values.values()):
            continue
        prefix = values.pop(NAME_PREFIX, "")
        if prefix and values["last_name"]:
            values["last_name"] = f"{prefix} {values['last_name']}"
        records.append(Record(line, values))
    return records
