"""A consent round on paper: one A4 page per child for every guardian the round cannot
reach in the bot, in the guardian's language.

Each page names the school, the child and the guardian, lists the round's purposes with
the school's own description and a Yes and a No box each, asks for the form back by the
closing date, has a line to sign, and at its foot a QR code: with a new invitation code
for a guardian who is not linked, to the bot itself for one who blocked it. The pages come
in handing-out order (group, child). Set in DejaVu Sans like the invitation letters, so
names such as Ayşe, Zoë and Łukasz print as they are; what every page shares is measured
once per run, so a thousand pages take seconds. Nothing personal is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from bot.domain.rounds.paper import PaperLetter
from bot.domain.texts import for_parents_paper as texts
from bot.i18n import _, current_language, format_date, use_language
from bot.schools.groups import group_order
from bot.schools.letters import FONTS_DIR, clean_text, draw_qr, needs_shaping, write_private

logger = logging.getLogger(__name__)

PDF_TITLE = "Privacyloket consent form"
_FONT = "DejaVu"
_MARGIN_X = 18.0
_TOP = 14.0
_FOOT = 46.0  # the code box at the foot of the page
_BOTTOM = 297.0 - 12.0
_BOX_TOP = _BOTTOM - _FOOT
_QR = 34.0
_BOX = 4.2  # a tick box, millimetres
_CHOICE_WIDTH = 42.0  # room for Yes and No on the right of each purpose
_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
_PT = 25.4 / 72


@dataclass(frozen=True)
class Page:
    """A letter with what its foot says: a new code (and its link), or the bot's link."""

    letter: PaperLetter
    link: str
    code: str | None = None
    expires: date | None = None


@dataclass(frozen=True)
class _Line:
    text: str
    style: str = ""
    grow: float = 0.0
    indent: float = 0.0
    gap: float = 0.0  # space before, as a multiple of the font size
    boxes: bool = False  # the Yes / No boxes beside this line (a purpose's title)


class _Writer:
    def __init__(self, school: str, printed: date, bot: str) -> None:
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_margins(_MARGIN_X, _TOP, _MARGIN_X)
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font(_FONT, "", FONTS_DIR / "DejaVuSans.ttf")
        self.pdf.add_font(_FONT, "B", FONTS_DIR / "DejaVuSans-Bold.ttf")
        self.school, self.printed, self.bot = school, printed, bot
        self._wrap = lru_cache(maxsize=8192)(self._wrap_uncached)

    def _wrap_uncached(self, text: str, style: str, size: float, width: float) -> tuple[str, ...]:
        self.pdf.set_font(_FONT, style, size)
        lines = self.pdf.multi_cell(width, 10, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return tuple(str(line) for line in lines)

    def _lines(self, page: Page) -> list[_Line]:
        letter = page.letter
        found = [
            _Line(texts.form_title(letter.child), "B", grow=3),
            _Line(texts.form_greeting(letter.guardian_name), gap=0.8),
            _Line(texts.form_intro(self.school, letter.child), gap=0.4),
        ]
        if letter.message:
            found.append(_Line(letter.message, indent=4, gap=0.6))
        for number, purpose in enumerate(letter.purposes, 1):
            label = purpose.label.get(current_language())
            found.append(_Line(f"{number}. {label}", "B", gap=1.0, boxes=True))
            found += [_Line(d, indent=4, grow=-0.5) for d in texts.purpose_details(purpose)]
        found.append(_Line(texts.form_return(letter.child, letter.closes_on), gap=1.2))
        return found

    def _height(self, lines: Sequence[_Line], size: float) -> float:
        width = self.pdf.w - 2 * _MARGIN_X
        total = 0.0
        for line in lines:
            font = size + line.grow
            room = width - line.indent - (_CHOICE_WIDTH if line.boxes else 0.0)
            count = len(self._wrap(clean_text(line.text), line.style, font, room))
            total += line.gap * font * _PT + count * font * _PT * 1.3
        return total

    def page(self, page: Page) -> bool:
        """Draw one page; False when even the smallest text did not fit."""
        pdf = self.pdf
        letter = page.letter
        shaped = needs_shaping(letter.guardian_name + letter.child)
        if shaped:
            pdf.set_text_shaping(True)
        pdf.add_page()
        with use_language(letter.language):
            self._head(letter)
            lines = self._lines(page)
            signature = 3 * 9.0 + 6.0
            room = _BOX_TOP - 6.0 - signature - pdf.get_y()
            size = next((s for s in _SIZES if self._height(lines, s) <= room), None)
            fits = size is not None
            self._body(lines, size or _SIZES[-1])
            self._signature(letter)
            self._foot(page)
        if shaped:
            pdf.set_text_shaping(False)
        return fits

    def _head(self, letter: PaperLetter) -> None:
        pdf = self.pdf
        pdf.set_text_color(0)
        pdf.set_font(_FONT, "B", 10)
        pdf.set_xy(_MARGIN_X, 7)
        handout = _("Group {group}: {child}").format(group=letter.group, child=letter.child)
        pdf.cell(pdf.w - 2 * _MARGIN_X, 5, clean_text(handout), align="R")
        pdf.set_xy(_MARGIN_X, _TOP)
        pdf.set_font(_FONT, "B", 17)
        pdf.cell(0, 8, clean_text(self.school))
        pdf.set_xy(_MARGIN_X, _TOP + 8)
        pdf.set_font(_FONT, "", 8.5)
        pdf.set_text_color(90)
        printed = _("Printed on {date}").format(date=format_date(self.printed))
        pdf.cell(0, 5, clean_text(printed))
        pdf.set_text_color(0)
        pdf.set_y(_TOP + 16)

    def _body(self, lines: Sequence[_Line], size: float) -> None:
        pdf = self.pdf
        width = pdf.w - 2 * _MARGIN_X
        yes, no = texts.yes_no()
        for line in lines:
            font = size + line.grow
            height = font * _PT * 1.3
            pdf.set_y(pdf.get_y() + line.gap * font * _PT)
            pdf.set_font(_FONT, line.style, font)
            room = width - line.indent - (_CHOICE_WIDTH if line.boxes else 0.0)
            top = pdf.get_y()
            for text in self._wrap(clean_text(line.text), line.style, font, room):
                y = pdf.get_y()
                if needs_shaping(text):
                    pdf.set_xy(_MARGIN_X + line.indent, y)
                    pdf.cell(room, height, text)
                else:
                    baseline = y + height / 2 + 0.3 * pdf.font_size
                    pdf.text(_MARGIN_X + line.indent + pdf.c_margin, baseline, text)
                pdf.set_y(y + height)
            if line.boxes:
                self._choices(top, yes, no, font)

    def _choices(self, top: float, yes: str, no: str, size: float) -> None:
        """A Yes and a No box on the line of a purpose's title, level with its text."""
        pdf = self.pdf
        left = pdf.w - _MARGIN_X - _CHOICE_WIDTH + 4
        pdf.set_draw_color(0)
        pdf.set_line_width(0.3)
        pdf.set_font(_FONT, "", size)
        font = size * _PT
        baseline = top + font * 1.3 / 2 + 0.3 * font
        for offset, label in ((0.0, yes), (_CHOICE_WIDTH / 2, no)):
            x = left + offset
            pdf.rect(x, baseline - 0.36 * font - _BOX / 2, _BOX, _BOX)
            pdf.text(x + _BOX + 1.5, baseline, label)

    def _signature(self, letter: PaperLetter) -> None:
        pdf = self.pdf
        name, day, signature = texts.signature_labels()
        y = _BOX_TOP - 6.0 - 3 * 9.0
        pdf.set_font(_FONT, "", 9.5)
        pdf.set_draw_color(120)
        pdf.set_line_width(0.2)
        for index, (label, value) in enumerate(
            ((name, letter.guardian_name), (day, ""), (signature, ""))
        ):
            line_y = y + index * 9.0 + 6.0
            pdf.text(_MARGIN_X, line_y - 1.0, clean_text(label) + ":")
            if value:
                pdf.text(_MARGIN_X + 57, line_y - 1.0, clean_text(value))
            pdf.line(_MARGIN_X + 55, line_y, pdf.w - _MARGIN_X, line_y)

    def _foot(self, page: Page) -> None:
        pdf = self.pdf
        left, top, width = _MARGIN_X, _BOX_TOP, pdf.w - 2 * _MARGIN_X
        pdf.set_draw_color(150)
        pdf.set_line_width(0.3)
        pdf.rect(left, top, width, _FOOT - 2, style="D", round_corners=True, corner_radius=3)
        draw_qr(pdf, page.link, left + 4, top + (_FOOT - 2 - _QR) / 2, _QR)
        if page.code is not None and page.expires is not None:
            hint = texts.bot_hint_with_code(page.code, page.expires)
        else:
            hint = texts.bot_hint_blocked(self.bot)
        x = left + 8 + _QR
        text_width = left + width - 4 - x
        pdf.set_xy(x, top + 4)
        for index, text in enumerate(hint):
            code = page.code is not None and text == page.code
            if code:
                pdf.set_font("Courier", "B", 13)
            else:
                pdf.set_font(_FONT, "B" if index == 0 else "", 9)
            for line in self._wrap(clean_text(text), pdf.font_style, pdf.font_size_pt, text_width):
                pdf.set_x(x)
                pdf.cell(text_width, 4.6 if not code else 6.5, line)
                pdf.set_y(pdf.get_y() + (4.6 if not code else 6.5))


def write_consent_letters_pdf(
    pages: Sequence[Page],
    *,
    school: str,
    printed: date,
    bot_username: str,
    out: Path,
    compress: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write one A4 page per letter to ``out`` (readable by its owner only when new), in
    handing-out order; returns how many pages needed the smallest text and still ran over
    (0 when every page fits)."""
    if not pages:
        raise ValueError("no letters to write")
    bot = bot_username.removeprefix("@")
    writer = _Writer(school, printed, bot)
    writer.pdf.set_compression(compress)
    writer.pdf.set_title(PDF_TITLE)
    writer.pdf.set_creator("Privacyloket")
    writer.pdf.set_lang("nl")
    overflowing = 0
    ordered = sorted(pages, key=lambda p: (_group_key(p.letter.group), p.letter.child.casefold()))
    for done, page in enumerate(ordered, start=1):
        overflowing += not writer.page(page)
        if progress is not None:
            progress(done, len(ordered))
    if overflowing:
        logger.warning("%d consent forms run over their page", overflowing)
    write_private(out, bytes(writer.pdf.output()))
    return overflowing


def _group_key(group: str) -> tuple[int, int, str]:
    return group_order(group)
