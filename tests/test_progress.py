"""Progress on a terminal, silence in pipes and logs."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from bot.progress import Progress
from bot.schools.letters import Letter, LetterSchool, write_letters_pdf


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_a_bar_that_ends_with_a_newline() -> None:
    stream = Terminal()
    with Progress("Writing letters", stream, interval=0) as progress:
        for done in range(1, 5):
            progress(done, 4)
    text = stream.getvalue()
    assert "\rWriting letters [" in text
    assert text.endswith("] 4/4\n")
    assert "#" * 30 in text


def test_a_pipe_sees_nothing() -> None:
    stream = io.StringIO()
    with Progress("Writing letters", stream, interval=0) as progress:
        for done in range(1, 5):
            progress(done, 4)
    assert stream.getvalue() == ""


def test_letters_report_progress_page_by_page(tmp_path: Path) -> None:
    stream = Terminal()
    letters = [
        Letter(
            "Zoë",
            ("Emma",),
            "ABCDE-FGHJK-MNPQ-RSTV-WXYZ-0123",
            "https://t.me/x?start=A",
            date(2026, 1, 1),
        )
    ] * 3
    with Progress("Writing letters", stream, interval=0) as progress:
        write_letters_pdf(
            letters,
            school=LetterSchool("School", date(2025, 12, 1)),
            bot_username="x_bot",
            out=tmp_path / "l.pdf",
            progress=progress,
        )
    assert stream.getvalue().endswith("] 3/3\n")
