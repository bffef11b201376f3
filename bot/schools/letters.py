"""Printed invitation letters: one A4 page per guardian, Dutch first, then English.

Each letter carries the guardian's one-time code, big and in a monospace font, and a QR
code of the bot's /start deep link. A CSV with the same data feeds a mail merge.

The PDF uses fpdf2's core fonts (Helvetica, Courier), which only encode latin-1: every
text goes through :func:`to_latin1` first. Nothing personal is logged.
"""

from __future__ import annotations

import csv
import logging
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import segno
from babel.lists import format_list
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.i18n import (
    BABEL_LOCALES,
    Language,
    _,
    current_language,
    format_date,
    ngettext,
    use_language,
)

logger = logging.getLogger(__name__)

PDF_TITLE = "Privacyloket invitation"
CSV_FIELDS = ("guardian", "children", "code", "deep_link", "expires")
_LANGUAGES: tuple[Language, Language] = ("nl", "en")  # the order of the halves

# Page geometry in millimetres (A4 is 210 x 297).
_MARGIN_X = 20.0
_MARGIN_TOP = 15.0
_MARGIN_BOTTOM = 14.0
_BOX_HEIGHT = 50.0
_BOX_TOP = 297.0 - _MARGIN_BOTTOM - _BOX_HEIGHT
_BOX_GAP = 5.0  # between the text and the code box
_QR_SIZE = 40.0
_PADDING = 5.0
_INDENT = 6.0
# Body text sizes to try, largest first, until both halves fit above the code box.
_BODY_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
_PT = 25.4 / 72  # millimetres per point

# Characters outside latin-1 that NFKD does not reduce to ASCII, but that have an obvious
# stand-in (names such as Łukasz, typographic quotes in translations).
_STAND_INS = {
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "Œ": "OE",
    "œ": "oe",
    "ſ": "s",
    "‘": "'",
    "’": "'",
    "‚": ",",
    "‛": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "‹": "<",
    "›": ">",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "−": "-",
    "•": "-",
    "€": "EUR",
}


@dataclass(frozen=True)
class Letter:
    guardian_name: str
    children: tuple[str, ...]
    """First names of the guardian's children at the school."""
    code: str
    """Display form, e.g. ``ABCDE-FGHJK-MNPQ-RSTV-WXYZ-0123``."""
    deep_link: str
    """``https://t.me/<bot>?start=<compact code>``."""
    expires: date

    def __post_init__(self) -> None:
        if not self.children:
            raise ValueError("a letter needs at least one child")


def to_latin1(text: str) -> str:
    """``text`` with only characters the PDF core fonts can show.

    Latin-1 characters stay (ë, é, ö, ç, ß, ø ...), a letter with a combining accent is
    joined first (so a decomposed "Zoë" stays "Zoë"), other characters become their
    closest ASCII (ő → o, Ł → L, ’ → '), and what has none becomes "?".
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char == "\n":
            out.append(char)
        elif unicodedata.category(char) == "Cc":
            out.append(" ")
        elif ord(char) < 256:
            out.append(char)
        elif unicodedata.combining(char):
            continue  # an accent latin-1 has no precomposed letter for: drop it
        elif char in _STAND_INS:
            out.append(_STAND_INS[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            plain = "".join(c for c in decomposed if ord(c) < 128 and not unicodedata.combining(c))
            out.append(plain or "?")
    return "".join(out)


def join_names(names: Sequence[str]) -> str:
    """The names as a list in the current language: "A, B en C" or "A, B and C"."""
    return format_list(list(names), locale=BABEL_LOCALES[current_language()])


def write_letters_pdf(
    letters: Sequence[Letter],
    *,
    school_name: str,
    bot_username: str,
    out: Path,
    compress: bool = True,
) -> None:
    """Write one A4 page per letter to ``out`` (readable by its owner only when new).

    ``compress=False`` leaves the page content readable in the file, for tests.
    """
    if not letters:
        raise ValueError("no letters to write")
    bot = bot_username.removeprefix("@")
    pdf = _new_pdf()
    pdf.set_compression(compress)
    pdf.set_title(PDF_TITLE)
    pdf.set_creator("Privacyloket")
    pdf.set_lang("nl")
    overflowing = 0
    for letter in letters:
        size = _fitting_body_size(letter, school_name, bot)
        if size is None:
            overflowing += 1
            size = _BODY_SIZES[-1]
        pdf.add_page()
        _draw_code_box(pdf, letter)
        pdf.set_xy(_MARGIN_X, _MARGIN_TOP)
        _draw_text(pdf, letter, school_name, bot, size)
    if overflowing:
        logger.warning("%d invitation letters do not fit on one page", overflowing)
    _write_private(out, bytes(pdf.output()))
    logger.info("Wrote %d invitation letters (%d pages)", len(letters), pdf.pages_count)


def write_letters_csv(letters: Sequence[Letter], out: Path) -> None:
    """Write the letters as a CSV for a mail merge: UTF-8 with a BOM (for Excel), commas."""
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8-sig", newline="") as fp:
        writer = csv.DictWriter(fp, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for letter in letters:
            writer.writerow(
                {
                    "guardian": letter.guardian_name,
                    "children": ", ".join(letter.children),
                    "code": letter.code,
                    "deep_link": letter.deep_link,
                    "expires": letter.expires.isoformat(),
                }
            )
    logger.info("Wrote %d invitation letters to CSV", len(letters))


def _write_private(out: Path, data: bytes) -> None:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as fp:
        fp.write(data)


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
    # Text that runs into the code box goes to a next page instead of under the box.
    pdf.set_auto_page_break(True, margin=297.0 - _BOX_TOP + _BOX_GAP)
    return pdf


def _fitting_body_size(letter: Letter, school_name: str, bot: str) -> float | None:
    """The largest body text size at which the letter's text fits above the code box."""
    for size in _BODY_SIZES:
        scratch = _new_pdf()
        scratch.add_page()
        _draw_text(scratch, letter, school_name, bot, size)
        if scratch.page == 1:
            return size
    return None


def _draw_text(pdf: FPDF, letter: Letter, school_name: str, bot: str, size: float) -> None:
    pdf.set_text_color(0)
    pdf.set_font("Helvetica", "B", size + 8)
    _paragraph(pdf, school_name, (size + 8) * _PT * 1.25)
    pdf.ln(size * 0.3)
    for index, language in enumerate(_LANGUAGES):
        if index:
            pdf.ln(size * 0.35)
            _rule(pdf)
            pdf.ln(size * 0.35)
        with use_language(language):
            _draw_half(pdf, letter, school_name, bot, size)


def _draw_half(pdf: FPDF, letter: Letter, school_name: str, bot: str, size: float) -> None:
    """One language's half of the letter, in the current language."""
    line = size * _PT * 1.3
    gap = size * 0.22
    children = join_names(letter.children)
    expires = _unbreakable(format_date(letter.expires))

    pdf.set_font("Helvetica", "B", size + 2)
    _paragraph(pdf, _("Invitation to Privacyloket"), (size + 2) * _PT * 1.3)
    pdf.ln(gap)
    pdf.set_font("Helvetica", "", size)
    _paragraph(pdf, _("Dear {name},").format(name=letter.guardian_name), line)
    pdf.ln(gap)
    _paragraph(
        pdf, _("Our school uses Privacyloket, a bot in the Telegram app. With it you can:"), line
    )
    for item in (
        _("see which data the school holds about {children};").format(children=children),
        _("ask us to correct or delete something;"),
        _("give or withdraw consent for photos and video at any time."),
    ):
        _list_item(pdf, "-", item, line)
    pdf.ln(gap)

    pdf.set_font("Helvetica", "B", size)
    _paragraph(pdf, _("How to start"), line)
    pdf.set_font("Helvetica", "", size)
    steps = (
        _(
            "Scan the QR code below with the camera of your phone; Telegram opens by itself. "
            "Or search for @{bot} in Telegram and type /start."
        ).format(bot=bot),
        _("Enter the code from this letter when the bot asks for it."),
        ngettext(
            "As a check, the bot then asks for the date of birth of your child.",
            "As a check, the bot then asks for the date of birth of one of your children.",
            len(letter.children),
        ),
    )
    for number, step in enumerate(steps, start=1):
        _list_item(pdf, f"{number}.", step, line)
    pdf.ln(gap)

    _paragraph(
        pdf,
        _(
            "The code is personal: please do not share it. "
            "It works only once and is valid until {date}."
        ).format(date=expires),
        line,
    )
    pdf.ln(gap)
    _paragraph(
        pdf,
        _(
            "No Telegram, or do you have questions? "
            "You can always ask the teacher or the head teacher."
        ),
        line,
    )
    pdf.ln(gap)
    _paragraph(pdf, _("Kind regards,"), line)
    _paragraph(pdf, _("The team at {school}").format(school=school_name), line)


def _draw_code_box(pdf: FPDF, letter: Letter) -> None:
    """The code, its QR code and the link, in a framed box at the foot of the page."""
    auto, margin = pdf.auto_page_break, pdf.b_margin
    pdf.set_auto_page_break(False)
    left, top, width = _MARGIN_X, _BOX_TOP, pdf.w - 2 * _MARGIN_X
    pdf.set_draw_color(150)
    pdf.set_line_width(0.3)
    pdf.rect(left, top, width, _BOX_HEIGHT, style="D", round_corners=True, corner_radius=3)

    qr_top = top + (_BOX_HEIGHT - _QR_SIZE) / 2
    pdf.image(BytesIO(_qr_png(letter.deep_link)), x=left + _PADDING, y=qr_top, w=_QR_SIZE)

    text_left = left + 2 * _PADDING + _QR_SIZE
    text_width = left + width - _PADDING - text_left
    labels: list[str] = []
    valid: list[str] = []
    for language in _LANGUAGES:
        with use_language(language):
            labels.append(_("Your personal code"))
            expires = _unbreakable(format_date(letter.expires))
            valid.append(_("Valid until {date}").format(date=expires))

    pdf.set_xy(text_left, qr_top + 1)
    pdf.set_text_color(90)
    pdf.set_font("Helvetica", "", 9)
    _paragraph(pdf, "  /  ".join(labels), 4.5, x=text_left, width=text_width)
    pdf.ln(1.5)

    pdf.set_text_color(0)
    code = to_latin1(letter.code)
    _fit_font(pdf, "Courier", "B", code, text_width, largest=17)
    pdf.set_x(text_left)
    pdf.cell(text_width, pdf.font_size * 1.3, code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)

    pdf.set_font("Helvetica", "", 9)
    _paragraph(pdf, "  /  ".join(valid), 4.5, x=text_left, width=text_width)
    pdf.ln(3)

    link = to_latin1(letter.deep_link)
    pdf.set_text_color(60)
    _fit_font(pdf, "Courier", "", link, text_width, largest=8.5)
    pdf.set_x(text_left)
    pdf.cell(text_width, pdf.font_size * 1.4, link, link=letter.deep_link, new_x=XPos.LMARGIN)
    pdf.set_text_color(0)
    pdf.set_auto_page_break(auto, margin=margin)


def _unbreakable(text: str) -> str:
    """``text`` with no-break spaces, so that a date is not split over two lines."""
    return text.replace(" ", "\u00a0")


def _qr_png(deep_link: str) -> bytes:
    buffer = BytesIO()
    segno.make(deep_link, error="m").save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def _fit_font(pdf: FPDF, family: str, style: str, text: str, width: float, largest: float) -> None:
    """Set the largest font size (down to 6 pt) at which ``text`` fits on one line."""
    size = largest
    pdf.set_font(family, style, size)
    while size > 6 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(family, style, size)


def _paragraph(
    pdf: FPDF, text: str, line: float, *, x: float | None = None, width: float = 0
) -> None:
    if x is not None:
        pdf.set_x(x)
    pdf.multi_cell(
        width,
        line,
        to_latin1(text),
        align="L",
        new_x=XPos.LMARGIN if x is None else XPos.LEFT,
        new_y=YPos.NEXT,
    )
    if x is not None:
        pdf.set_x(x)


def _list_item(pdf: FPDF, marker: str, text: str, line: float) -> None:
    pdf.set_x(_MARGIN_X + 1.5)
    pdf.cell(_INDENT - 1.5, line, marker)
    pdf.multi_cell(0, line, to_latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _rule(pdf: FPDF) -> None:
    pdf.set_draw_color(190)
    pdf.set_line_width(0.2)
    pdf.line(_MARGIN_X, pdf.get_y(), pdf.w - _MARGIN_X, pdf.get_y())
