from __future__ import annotations

import csv
import gettext
import logging
import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from bot import i18n
from bot.i18n import use_language
from bot.schools.letters import (
    CSV_FIELDS,
    PDF_TITLE,
    Letter,
    join_names,
    to_latin1,
    write_letters_csv,
    write_letters_pdf,
)

BOT = "privacyloket_test_bot"
SCHOOL = "Basisschool De Regenboog"
EXPIRES = date(2025, 10, 31)


def make_letter(guardian: str, children: tuple[str, ...], n: int = 0) -> Letter:
    compact = f"ABCDEFGHJKMNPQRSTVWXYZ{n:04d}"
    display = "-".join(
        (compact[:5], compact[5:10], compact[10:14], compact[14:18], compact[18:22], compact[22:])
    )
    return Letter(
        guardian_name=guardian,
        children=children,
        code=display,
        deep_link=f"https://t.me/{BOT}?start={compact}",
        expires=EXPIRES,
    )


LETTERS = (
    make_letter("Zoë de Vries", ("Emma", "Daan"), 1),
    make_letter("Ömer Yılmaz", ("Ayşe",), 2),
    make_letter("Łukasz 李", ("Anaïs", "Noé", "Lotte"), 3),
)


def render(tmp_path: Path, letters: tuple[Letter, ...] = LETTERS) -> bytes:
    out = tmp_path / "letters.pdf"
    write_letters_pdf(letters, school_name=SCHOOL, bot_username=BOT, out=out, compress=False)
    return out.read_bytes()


def latin1(text: str) -> bytes:
    return text.encode("latin-1")


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def test_one_page_per_letter(tmp_path: Path) -> None:
    pdf = render(tmp_path)
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == len(LETTERS)
    assert re.search(rb"/Count 3\b", pdf)


def test_long_names_and_many_children_still_fit_on_one_page(tmp_path: Path) -> None:
    letter = make_letter(
        "Maximiliaan Alexander Christiaan van den Berg-Oudshoorn en "
        "Anna-Catharina Wilhelmina Hoogeveen-Koolhoven",
        ("Alexander", "Maximiliaan", "Wilhelmina", "Sophie-Charlotte", "Emma", "Daan"),
    )
    assert page_count(render(tmp_path, (letter,))) == 1


def test_code_link_names_and_dates_are_on_the_page(tmp_path: Path) -> None:
    pdf = render(tmp_path)
    for letter in LETTERS:
        assert latin1(letter.code) in pdf
        assert latin1(letter.deep_link) in pdf
    assert latin1(SCHOOL) in pdf
    assert f"@{BOT}".encode() in pdf
    # Each half joins the children and writes the date in its own language.
    assert b"Emma en Daan" in pdf
    assert b"Emma and Daan" in pdf
    assert latin1("Anaïs, Noé en Lotte") in pdf
    assert latin1("Anaïs, Noé and Lotte") in pdf
    assert b"31 oktober 2025" in pdf
    assert b"31 October 2025" in pdf


def test_diacritics_survive(tmp_path: Path) -> None:
    decomposed = make_letter("Zoe\u0308 Mu\u0308ller", ("Chloe\u0301",))
    pdf = render(tmp_path, (*LETTERS, decomposed))
    assert latin1("Zoë de Vries") in pdf
    assert latin1("Ömer") in pdf
    assert latin1("Zoë Müller") in pdf
    assert latin1("Chloé") in pdf


def test_unencodable_name_does_not_crash(tmp_path: Path) -> None:
    pdf = render(tmp_path)
    assert b"Lukasz ?" in pdf
    assert b"Yilmaz" in pdf
    assert b"Ayse" in pdf


def test_one_qr_image_per_letter(tmp_path: Path) -> None:
    pdf = render(tmp_path)
    assert pdf.count(b"/Subtype /Image") == len(LETTERS)


def test_metadata_is_neutral(tmp_path: Path) -> None:
    pdf = render(tmp_path)
    assert PDF_TITLE == "Privacyloket invitation"
    assert b"/Title (Privacyloket invitation)" in pdf
    info = re.search(rb"<<[^<>]*/Title[^<>]*>>", pdf)
    assert info is not None
    for letter in LETTERS:
        assert latin1(to_latin1(letter.guardian_name)) not in info.group()


def test_dutch_half_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Marked(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "[nl]" + message

        def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
            return "[nl]" + (msgid1 if n == 1 else msgid2)

    english = i18n.translations("en")
    monkeypatch.setattr(
        i18n, "translations", lambda language: Marked() if language == "nl" else english
    )
    pdf = render(tmp_path, LETTERS[:1])
    dutch = pdf.index(b"([nl]Dear ")
    assert dutch < pdf.index(b"(Dear ")
    assert pdf.index(b"([nl]Invitation to Privacyloket)") < pdf.index(
        b"(Invitation to Privacyloket)"
    )
    assert b"[nl]As a check, the bot then asks for the date of birth of one of your children." in (
        pdf
    )
    assert b"([nl]Your personal code  /  Your personal code)" in pdf


def test_files_are_private(tmp_path: Path) -> None:
    render(tmp_path)
    write_letters_csv(LETTERS, tmp_path / "letters.csv")
    if os.name == "posix":
        for name in ("letters.pdf", "letters.csv"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_nothing_personal_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        render(tmp_path)
        write_letters_csv(LETTERS, tmp_path / "letters.csv")
    assert caplog.records
    for letter in LETTERS:
        for secret in (letter.guardian_name, letter.code, letter.deep_link, *letter.children):
            assert secret not in caplog.text


def test_no_letters_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_letters_pdf([], school_name=SCHOOL, bot_username=BOT, out=tmp_path / "x.pdf")


def test_a_letter_needs_a_child() -> None:
    with pytest.raises(ValueError):
        make_letter("Zoë de Vries", ())


def test_csv_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "letters.csv"
    write_letters_csv(LETTERS, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0] == b"\xef\xbb\xbfguardian,children,code,deep_link,expires"
    with out.open(encoding="utf-8-sig", newline="") as fp:
        reader = csv.DictReader(fp)
        assert tuple(reader.fieldnames or ()) == CSV_FIELDS
        rows = list(reader)
    assert rows == [
        {
            "guardian": letter.guardian_name,
            "children": ", ".join(letter.children),
            "code": letter.code,
            "deep_link": letter.deep_link,
            "expires": "2025-10-31",
        }
        for letter in LETTERS
    ]
    assert rows[2]["children"] == "Anaïs, Noé, Lotte"
    assert rows[2]["guardian"] == "Łukasz 李"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë", "Zoë"),
        ("Ömer", "Ömer"),
        ("Zoe\u0308", "Zoë"),
        ("François Müller-Ørsted", "François Müller-Ørsted"),
        ("Łukasz", "Lukasz"),
        ("Ayşe Yılmaz", "Ayse Yilmaz"),
        ("Đorđe", "Dorde"),
        ("Gőz", "Goz"),
        ("李", "?"),
        ("D’Angelo", "D'Angelo"),
        ("foto’s – video’s", "foto's - video's"),
        ("a\tb\nc", "a b\nc"),
    ],
)
def test_to_latin1(text: str, expected: str) -> None:
    assert to_latin1(text) == expected


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        ("nl", ("Emma",), "Emma"),
        ("nl", ("Emma", "Daan"), "Emma en Daan"),
        ("nl", ("Anna", "Bram", "Cas"), "Anna, Bram en Cas"),
        ("en", ("Emma",), "Emma"),
        ("en", ("Emma", "Daan"), "Emma and Daan"),
        ("en", ("Anna", "Bram", "Cas"), "Anna, Bram and Cas"),
    ],
)
def test_join_names(language: i18n.Language, names: tuple[str, ...], expected: str) -> None:
    with use_language(language):
        assert join_names(names) == expected
