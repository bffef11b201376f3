"""Printed invitation letters: one A4 page per guardian, in the guardian's own language
first (Dutch or English), then in the other.

The letters are handed out per class: they come sorted by group, then by the child's name,
and each names at its top the group and child it goes home with. Each letter carries the
guardian's one-time code, big and in a monospace font, and a QR code of the bot's /start
deep link, the date it was printed, the school's contact line and, when the config names
them, its logo and privacy statement link. A CSV with the same data feeds a mail merge.

Names are printed as they are in the roster: the text is set in DejaVu Sans (shipped in
``bot/schools/fonts`` with its licence), which covers Latin (Turkish, Polish, Vietnamese, ...),
Greek, Cyrillic and Arabic; right-to-left and joined scripts are shaped with HarfBuzz.
The page template (fonts, logo, the texts that are the same on every letter) is measured
once per run, and the QR code is drawn as vector modules, so a thousand letters take
seconds. Nothing personal is logged.
"""

from __future__ import annotations

import csv
import logging
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
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
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_order

logger = logging.getLogger(__name__)

PDF_TITLE = "Privacyloket invitation"
CSV_FIELDS = (
    "guardian_name",
    "guardian_email",
    "guardian_language",
    "children",
    "code",
    "deep_link",
    "expires",
)
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
_FONT = "DejaVu"
_LANGUAGES: tuple[Language, Language] = ("nl", "en")

# Page geometry in millimetres (A4 is 210 x 297).
_MARGIN_X = 20.0
_MARGIN_TOP = 15.0
_MARGIN_BOTTOM = 14.0
_BOX_HEIGHT = 50.0
_BOX_TOP = 297.0 - _MARGIN_BOTTOM - _BOX_HEIGHT
_BOX_GAP = 5.0  # between the text and the code box
_QR_SIZE = 40.0
_QR_BORDER = 2  # quiet zone, in modules
QR_MASK = 4
"""Every QR mask pattern scans; choosing the best of eight per code took two thirds of the
time a letter takes, so one fixed pattern is used (the codes are random base32, which
gives no mask a regular pattern to fight)."""
_LOGO_HEIGHT = 16.0
_HANDOUT_TOP = 7.0  # the group line, in the top margin above the text
_PADDING = 5.0
_INDENT = 6.0
# Body text sizes to try, largest first, until both halves fit above the code box.
_BODY_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
_PT = 25.4 / 72  # millimetres per point


@dataclass(frozen=True)
class LetterSchool:
    """What a letter says about the school: the same on every page of one run."""

    name: str
    printed: date
    contact: dict[Language, str] = field(default_factory=dict)
    """The contact line per language (empty: none)."""
    privacy_statement_url: str | None = None
    logo: Path | None = None

    @classmethod
    def from_config(cls, school: SchoolConfig, now: datetime) -> LetterSchool:
        contact = school.contact or school.contacts.director
        return cls(
            name=school.name,
            printed=now.astimezone(school.tz).date(),
            contact={language: contact.get(language) for language in _LANGUAGES},
            privacy_statement_url=school.privacy_statement_url,
            logo=school.logo,
        )


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
    guardian_email: str = ""
    guardian_language: str = ""
    groups: tuple[str, ...] = ()
    """The group of each child, in the order of ``children``. The letter goes home with
    the first child, through that child's group."""

    def __post_init__(self) -> None:
        if not self.children:
            raise ValueError("a letter needs at least one child")
        if self.groups and len(self.groups) != len(self.children):
            raise ValueError("a letter needs a group for every child, or none")

    @property
    def languages(self) -> tuple[Language, Language]:
        """The order of the halves: the guardian's own language first."""
        return ("en", "nl") if self.guardian_language == "en" else ("nl", "en")


def handout_order(letters: Sequence[Letter]) -> list[Letter]:
    """The letters as teachers hand them out: by group, then by the name of the child they
    go home with, then by guardian (letters without groups last, as given)."""

    def key(letter: Letter) -> tuple[tuple[int, int, str], str, str]:
        if not letter.groups:
            return (2, 0, ""), "", ""
        return (
            group_order(letter.groups[0]),
            letter.children[0].casefold(),
            (letter.guardian_name.casefold()),
        )

    return sorted(letters, key=key)


def clean_text(text: str) -> str:
    """``text`` as it is printed: composed (a decomposed "Zoë" becomes one letter) and
    without control characters, which have no glyph."""
    return "".join(
        " " if unicodedata.category(char) == "Cc" and char != "\n" else char
        for char in unicodedata.normalize("NFC", text)
    )


_SHAPED_SCRIPTS = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, N'Ko, ...
    (0x0900, 0x0DFF),  # Indic scripts
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms
    (0xFE70, 0xFEFF),
)


def needs_shaping(text: str) -> bool:
    """True when ``text`` has a right-to-left or joined script that HarfBuzz must shape."""
    return any(lo <= ord(char) <= hi for char in text for lo, hi in _SHAPED_SCRIPTS)


def join_names(names: Sequence[str]) -> str:
    """The names as a list in the current language: "A, B en C" or "A, B and C"."""
    return format_list(list(names), locale=BABEL_LOCALES[current_language()])


def write_letters_pdf(
    letters: Sequence[Letter],
    *,
    school: LetterSchool,
    bot_username: str,
    out: Path,
    compress: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write one A4 page per letter to ``out`` (readable by its owner only when new).

    ``compress=False`` leaves the page content readable in the file, for tests;
    ``progress(done, total)`` is called after each page.
    """
    if not letters:
        raise ValueError("no letters to write")
    bot = bot_username.removeprefix("@")
    pdf = _new_pdf()
    pdf.set_compression(compress)
    pdf.set_title(PDF_TITLE)
    pdf.set_creator("Privacyloket")
    pdf.set_lang("nl")
    layout = _Layout(pdf, school, bot)
    overflowing = 0
    for done, letter in enumerate(handout_order(letters), start=1):
        shaped = needs_shaping(letter.guardian_name + "".join(letter.children))
        if shaped:
            pdf.set_text_shaping(True)
        pdf.add_page()
        blocks = layout.blocks(letter)
        size = layout.fitting_size(blocks)
        if size is None:
            overflowing += 1
            size = _BODY_SIZES[-1]
        layout.code_box(letter)
        layout.handout(letter)
        pdf.set_xy(_MARGIN_X, _MARGIN_TOP)
        layout.draw(blocks, size)
        if shaped:
            pdf.set_text_shaping(False)
        if progress is not None:
            progress(done, len(letters))
    if overflowing:
        logger.warning("%d invitation letters do not fit on one page", overflowing)
    _write_private(out, bytes(pdf.output()))
    logger.debug("Wrote %d invitation letters (%d pages)", len(letters), pdf.pages_count)


def write_letters_csv(letters: Sequence[Letter], out: Path) -> None:
    """Write the letters as a CSV for a mail merge: UTF-8 with a BOM (for Excel), commas."""
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8-sig", newline="") as fp:
        writer = csv.DictWriter(fp, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for letter in letters:
            writer.writerow(
                {
                    "guardian_name": letter.guardian_name,
                    "guardian_email": letter.guardian_email,
                    "guardian_language": letter.guardian_language,
                    "children": ", ".join(letter.children),
                    "code": letter.code,
                    "deep_link": letter.deep_link,
                    "expires": letter.expires.isoformat(),
                }
            )
    logger.debug("Wrote %d invitation letters to CSV", len(letters))


def write_private(out: Path, data: bytes) -> None:
    """Write a file readable by its owner only (when new): letters name children."""
    _write_private(out, data)


def _write_private(out: Path, data: bytes) -> None:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as fp:
        fp.write(data)


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
    pdf.add_font(_FONT, "", FONTS_DIR / "DejaVuSans.ttf")
    pdf.add_font(_FONT, "B", FONTS_DIR / "DejaVuSans-Bold.ttf")
    # Text that runs into the code box goes to a next page instead of under the box.
    pdf.set_auto_page_break(True, margin=297.0 - _BOX_TOP + _BOX_GAP)
    return pdf


@dataclass(frozen=True)
class _Block:
    """One piece of the letter's text: a paragraph, a list item, or vertical space."""

    kind: str  # "text", "item" or "space"
    text: str = ""
    style: str = ""
    grow: float = 0.0  # points added to the body size
    line: float = 1.3  # line height, as a multiple of the font size
    marker: str = ""
    colour: int = 0
    link: str = ""


class _Layout:
    """The letter's text, measured once per size for what every letter shares."""

    def __init__(self, pdf: FPDF, school: LetterSchool, bot: str) -> None:
        self.pdf = pdf
        self.school = school
        self.bot = bot
        self.room = _BOX_TOP - _BOX_GAP - _MARGIN_TOP
        self._lines = lru_cache(maxsize=4096)(self._lines_uncached)
        self._wrap_cache: dict[tuple[str, float, str, float], tuple[str, ...]] = {}
        self._mono_cache: dict[tuple[str, int, float, float], float] = {}

    def blocks(self, letter: Letter) -> list[_Block]:
        school = self.school
        blocks = [
            _Block("text", school.name, "B", grow=8, line=1.25),
            _Block(
                "text",
                "  /  ".join(self._in(language, self._printed) for language in letter.languages),
                grow=-2,
                colour=90,
            ),
            _Block("space", grow=0.3),
        ]
        for index, language in enumerate(letter.languages):
            if index:
                blocks += [_Block("space", grow=0.35), _Block("rule"), _Block("space", grow=0.35)]
            with use_language(language):
                blocks += self._half(letter, language)
        return blocks

    def handout(self, letter: Letter) -> None:
        """Above the text, on the right: the group and child the letter goes home with
        (every child with a group), in the guardian's language."""
        if not letter.groups:
            return
        pdf = self.pdf
        with use_language(letter.languages[0]):
            text = "  ·  ".join(
                _("Group {group}: {child}").format(group=group, child=child)
                for group, child in zip(letter.groups, letter.children, strict=True)
            )
        pdf.set_text_color(0)
        pdf.set_font(_FONT, "B", 10)
        pdf.set_xy(_MARGIN_X, _HANDOUT_TOP)
        pdf.cell(pdf.epw, 5, clean_text(text), align="R")

    def _in(self, language: Language, make: Callable[[], str]) -> str:
        with use_language(language):
            return make()

    def _printed(self) -> str:
        return _("Printed on {date}").format(date=_unbreakable(format_date(self.school.printed)))

    def _half(self, letter: Letter, language: Language) -> list[_Block]:
        """One language's half of the letter, in the current language."""
        gap = _Block("space", grow=0.22)
        children = join_names(letter.children)
        expires = _unbreakable(format_date(letter.expires))
        blocks = [
            _Block("text", _("Invitation to Privacyloket"), "B", grow=2),
            gap,
            _Block("text", _("Dear {name},").format(name=letter.guardian_name)),
            gap,
            _Block(
                "text",
                _("Our school uses Privacyloket, a bot in the Telegram app. With it you can:"),
            ),
            *(
                _Block("item", item, marker="-")
                for item in (
                    _("see which data the school holds about {children};").format(
                        children=children
                    ),
                    _("ask us to correct or delete something;"),
                    _("give or withdraw consent for photos and video at any time."),
                )
            ),
            gap,
            _Block("text", _("How to start"), "B"),
        ]
        steps = (
            _(
                "Scan the QR code below with the camera of your phone; Telegram opens by itself. "
                "Or search for @{bot} in Telegram and type /start."
            ).format(bot=self.bot),
            _("Enter the code from this letter when the bot asks for it."),
            ngettext(
                "As a check, the bot then asks for the date of birth of your child.",
                "As a check, the bot then asks for the date of birth of one of your children.",
                len(letter.children),
            ),
        )
        blocks += [
            _Block("item", step, marker=f"{number}.") for number, step in enumerate(steps, 1)
        ]
        blocks += [
            gap,
            _Block(
                "text",
                _(
                    "The code is personal: please do not share it. "
                    "It works only once and is valid until {date}."
                ).format(date=expires),
            ),
            gap,
            _Block(
                "text",
                _(
                    "No Telegram, or do you have questions? "
                    "You can always ask the teacher or the head teacher."
                ),
            ),
        ]
        contact = self.school.contact.get(language)
        if contact:
            blocks.append(_Block("text", contact))
        url = self.school.privacy_statement_url
        if url:
            blocks.append(
                _Block("text", _("Our privacy statement: {url}").format(url=url), link=url)
            )
        blocks += [
            gap,
            _Block("text", _("Kind regards,")),
            _Block("text", _("The team at {school}").format(school=self.school.name)),
        ]
        return blocks

    def _lines_uncached(self, block: _Block, size: float) -> tuple[str, ...]:
        """``block`` broken into lines at body size ``size``.

        Cached: most blocks are the same on every letter, so they are broken once per run.
        """
        pdf = self.pdf
        pdf.set_font(_FONT, block.style, size + block.grow)
        width = pdf.epw - (_INDENT if block.kind == "item" else 0.0)
        lines = pdf.multi_cell(width, 10, clean_text(block.text), dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return tuple(str(line) for line in lines)

    def _height(self, block: _Block, size: float) -> float:
        if block.kind == "space":
            return block.grow * size
        if block.kind == "rule":
            return 0.0
        return len(self._lines(block, size)) * (size + block.grow) * _PT * block.line

    def height(self, blocks: list[_Block], size: float) -> float:
        logo = _LOGO_HEIGHT + 2 if self.school.logo else 0.0
        return logo + sum(self._height(block, size) for block in blocks)

    def fitting_size(self, blocks: list[_Block]) -> float | None:
        """The largest body text size at which the letter's text fits above the code box."""
        for size in _BODY_SIZES:
            if self.height(blocks, size) <= self.room:
                return size
        return None

    def draw(self, blocks: list[_Block], size: float) -> None:
        pdf = self.pdf
        if self.school.logo:
            pdf.image(self.school.logo, x=_MARGIN_X, y=_MARGIN_TOP, h=_LOGO_HEIGHT)
            pdf.set_y(_MARGIN_TOP + _LOGO_HEIGHT + 2)
        for block in blocks:
            if block.kind == "space":
                pdf.ln(block.grow * size)
                continue
            if block.kind == "rule":
                _rule(pdf)
                continue
            pdf.set_text_color(block.colour)
            pdf.set_font(_FONT, block.style, size + block.grow)
            line = (size + block.grow) * _PT * block.line
            left = _MARGIN_X + (_INDENT if block.kind == "item" else 0.0)
            for index, text in enumerate(self._lines(block, size)):
                # The lines were broken once (cached); text() sets one line at a fraction
                # of what cell() costs, at the same place (baseline as cell() puts it).
                y = pdf.get_y()
                if y + line > pdf.page_break_trigger:  # only when even the smallest size overflows
                    pdf.add_page()
                    y = _MARGIN_TOP
                baseline = y + line / 2 + 0.3 * pdf.font_size
                if block.kind == "item" and index == 0:
                    pdf.text(_MARGIN_X + 1.5 + pdf.c_margin, baseline, block.marker)
                if needs_shaping(text):  # text() does not shape; cell() does
                    pdf.set_xy(left, y)
                    pdf.cell(pdf.w - _MARGIN_X - left, line, text)
                else:
                    pdf.text(left + pdf.c_margin, baseline, text)
                if block.link:
                    width = pdf.get_string_width(text)
                    pdf.link(left + pdf.c_margin, y, width, line, block.link)
                pdf.set_y(y + line)
        pdf.set_text_color(0)

    def _wrapped(self, text: str, width: float) -> tuple[str, ...]:
        """``text`` broken into lines of ``width`` in the current font (cached per run)."""
        key = (text, width, self.pdf.font_style, self.pdf.font_size_pt)
        if key not in self._wrap_cache:
            lines = self.pdf.multi_cell(width, 10, text, dry_run=True, output="LINES")
            assert isinstance(lines, list)
            self._wrap_cache[key] = tuple(str(line) for line in lines)
        return self._wrap_cache[key]

    def _fit_mono(self, style: str, text: str, width: float, largest: float) -> None:
        """Set the largest Courier size (down to 6 pt) at which ``text`` fits on one line.

        Courier is monospaced, so the size depends only on the length: found once per run.
        """
        key = (style, len(text), width, largest)
        if key not in self._mono_cache:
            _fit_font(self.pdf, "Courier", style, text, width, largest)
            self._mono_cache[key] = self.pdf.font_size_pt
        self.pdf.set_font("Courier", style, self._mono_cache[key])

    def code_box(self, letter: Letter) -> None:
        """The code, its QR code and the link, in a framed box at the foot of the page."""
        pdf = self.pdf
        auto, margin = pdf.auto_page_break, pdf.b_margin
        pdf.set_auto_page_break(False)
        left, top, width = _MARGIN_X, _BOX_TOP, pdf.w - 2 * _MARGIN_X
        pdf.set_draw_color(150)
        pdf.set_line_width(0.3)
        pdf.rect(left, top, width, _BOX_HEIGHT, style="D", round_corners=True, corner_radius=3)

        qr_top = top + (_BOX_HEIGHT - _QR_SIZE) / 2
        _draw_qr(pdf, letter.deep_link, left + _PADDING, qr_top, _QR_SIZE)

        text_left = left + 2 * _PADDING + _QR_SIZE
        text_width = left + width - _PADDING - text_left
        labels: list[str] = []
        valid: list[str] = []
        for language in letter.languages:
            with use_language(language):
                labels.append(_("Your personal code"))
                expires = _unbreakable(format_date(letter.expires))
                valid.append(_("Valid until {date}").format(date=expires))

        pdf.set_xy(text_left, qr_top + 1)
        pdf.set_text_color(90)
        pdf.set_font(_FONT, "", 8.5)
        self._box_text("  /  ".join(labels), text_left, text_width)
        pdf.ln(1.5)

        pdf.set_text_color(0)
        code = letter.code  # ASCII: Crockford base32 and dashes
        self._fit_mono("B", code, text_width, largest=17)
        pdf.set_x(text_left)
        pdf.cell(text_width, pdf.font_size * 1.3, code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

        pdf.set_font(_FONT, "", 8.5)
        self._box_text("  /  ".join(valid), text_left, text_width)
        pdf.ln(3)

        link = letter.deep_link  # ASCII
        pdf.set_text_color(60)
        self._fit_mono("", link, text_width, largest=8.5)
        pdf.set_x(text_left)
        pdf.cell(text_width, pdf.font_size * 1.4, link, link=link, new_x=XPos.LMARGIN)
        pdf.set_text_color(0)
        pdf.set_auto_page_break(auto, margin=margin)

    def _box_text(self, text: str, x: float, width: float) -> None:
        for line in self._wrapped(clean_text(text), width):
            self.pdf.set_x(x)
            self.pdf.cell(width, 4.5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _unbreakable(text: str) -> str:
    """``text`` with no-break spaces, so that a date is not split over two lines."""
    return text.replace(" ", "\u00a0")


def qr_runs(deep_link: str) -> list[tuple[int, int, int]]:
    """The QR code's dark modules as horizontal runs ``(row, first column, length)``."""
    runs: list[tuple[int, int, int]] = []
    for row, modules in enumerate(segno.make(deep_link, error="m", mask=QR_MASK).matrix):
        column = 0
        while column < len(modules):
            if modules[column]:
                start = column
                while column < len(modules) and modules[column]:
                    column += 1
                runs.append((row, start, column - start))
            else:
                column += 1
    return runs


def qr_rectangles(deep_link: str) -> list[tuple[int, int, int, int]]:
    """The dark modules as rectangles ``(row, column, width, height)``: the runs of
    :func:`qr_runs`, with identical runs on consecutive rows merged into one."""
    open_: dict[tuple[int, int], list[int]] = {}  # (column, width) -> [first row, height]
    done: list[tuple[int, int, int, int]] = []
    for row, column, length in qr_runs(deep_link):
        key = (column, length)
        current = open_.get(key)
        if current is not None and current[0] + current[1] == row:
            current[1] += 1
        else:
            if current is not None:
                done.append((current[0], column, length, current[1]))
            open_[key] = [row, 1]
    done += [
        (first, column, length, height) for (column, length), (first, height) in open_.items()
    ]
    return done


def draw_qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    """A QR code of ``link`` at (x, y), ``size`` millimetres square, as vector modules."""
    _draw_qr(pdf, link, x, y, size)


def _draw_qr(pdf: FPDF, deep_link: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (vector: sharp at any print size, no image)."""
    rectangles = qr_rectangles(deep_link)
    modules = max(row + height for row, _, _, height in rectangles) + 2 * _QR_BORDER
    unit = size / modules
    pdf.set_fill_color(0)
    for row, column, width, height in rectangles:
        pdf.rect(
            x + (column + _QR_BORDER) * unit,
            y + (row + _QR_BORDER) * unit,
            width * unit,
            height * unit,
            style="F",
        )


def _fit_font(pdf: FPDF, family: str, style: str, text: str, width: float, largest: float) -> None:
    """Set the largest font size (down to 6 pt) at which ``text`` fits on one line."""
    size = largest
    pdf.set_font(family, style, size)
    while size > 6 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(family, style, size)


def _rule(pdf: FPDF) -> None:
    pdf.set_draw_color(190)
    pdf.set_line_width(0.2)
    pdf.line(_MARGIN_X, pdf.get_y(), pdf.w - _MARGIN_X, pdf.get_y())
