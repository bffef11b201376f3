from __future__ import annotations

import csv
import gettext
import logging
import os
import stat
from datetime import date
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from bot import i18n
from bot.i18n import use_language
from bot.schools.invitations import issue_guardian_codes
from bot.schools.letters import (
    CSV_FIELDS,
    PDF_TITLE,
    QR_MASK,
    Letter,
    LetterSchool,
    clean_text,
    handout_order,
    join_names,
    qr_rectangles,
    qr_runs,
    write_letters_csv,
    write_letters_pdf,
)
from bot.services import Services
from tests.domain_helpers import link_guardian
from tests.support import FakeClock

BOT = "privacyloket_test_bot"
SCHOOL_NAME = "Basisschool De Regenboog"
SCHOOL = LetterSchool(name=SCHOOL_NAME, printed=date(2025, 10, 1))
EXPIRES = date(2025, 10, 31)


def make_letter(
    guardian: str,
    children: tuple[str, ...],
    n: int = 0,
    groups: tuple[str, ...] = (),
    language: str | None = None,
) -> Letter:
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
        guardian_email=f"parent{n}@example.org",
        guardian_language=language or ("nl" if n % 2 else "en"),
        groups=groups,
    )


LETTERS = (
    make_letter("Zoë de Vries", ("Emma", "Daan"), 1),
    make_letter("Ömer Yılmaz", ("Ayşe",), 2),
    make_letter("Łukasz Wiśniewski", ("Anaïs", "Noé", "Lotte"), 3),
)
# Names from the four scripts the core PDF fonts could not print.
WORLD = (
    make_letter("Ayşe Yılmaz", ("Çağrı", "Gülşen"), 4),
    make_letter("Małgorzata Żółkiewska", ("Łucja", "Szczęsny"), 5),
    make_letter("Nguyễn Thị Hương", ("Trần Đức Anh",), 6),
    make_letter("فاطمة الزهراء", ("يوسف",), 7),
)


def render(
    tmp_path: Path, letters: tuple[Letter, ...] = LETTERS, school: LetterSchool = SCHOOL
) -> Path:
    out = tmp_path / "letters.pdf"
    write_letters_pdf(letters, school=school, bot_username=BOT, out=out, compress=False)
    return out


def pages(path: Path) -> list[str]:
    """The text of every page, as a PDF reader extracts it (spaces normalised)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_one_page_per_letter(tmp_path: Path) -> None:
    out = render(tmp_path)
    assert out.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(out).pages) == len(LETTERS)


def test_long_names_and_many_children_still_fit_on_one_page(tmp_path: Path) -> None:
    letter = make_letter(
        "Maximiliaan Alexander Christiaan van den Berg-Oudshoorn en "
        "Anna-Catharina Wilhelmina Hoogeveen-Koolhoven",
        ("Alexander", "Maximiliaan", "Wilhelmina", "Sophie-Charlotte", "Emma", "Daan"),
    )
    school = LetterSchool(
        name=SCHOOL_NAME,
        printed=date(2025, 10, 1),
        contact={"nl": "Bel 0527 000 000 of mail info@school.example", "en": "Call or e-mail us"},
        privacy_statement_url="https://www.school.example/privacy",
    )
    assert len(PdfReader(render(tmp_path, (letter,), school)).pages) == 1


def test_code_link_names_and_dates_are_on_the_page(tmp_path: Path) -> None:
    texts = pages(render(tmp_path))
    for letter, text in zip(LETTERS, texts, strict=True):
        assert letter.code in text
        assert letter.deep_link in text
        assert SCHOOL_NAME in text
        assert f"@{BOT}" in text
    # Each half joins the children and writes the date in its own language.
    assert "Emma en Daan" in texts[0]
    assert "Emma and Daan" in texts[0]
    assert "Anaïs, Noé en Lotte" in texts[2]
    assert "Anaïs, Noé and Lotte" in texts[2]
    assert "31 oktober 2025" in texts[0]
    assert "31 October 2025" in texts[0]


def test_names_are_printed_as_they_are(tmp_path: Path) -> None:
    decomposed = make_letter("Zoe\u0308 Mu\u0308ller", ("Chloe\u0301",))
    texts = pages(render(tmp_path, (*LETTERS, *WORLD, decomposed)))
    assert "Zoë de Vries" in texts[0]
    assert "Ömer Yılmaz" in texts[1] and "Ayşe" in texts[1]
    assert "Łukasz Wiśniewski" in texts[2]
    assert "Ayşe Yılmaz" in texts[3] and "Çağrı en Gülşen" in texts[3]
    assert "Małgorzata Żółkiewska" in texts[4] and "Łucja en Szczęsny" in texts[4]
    assert "Nguyễn Thị Hương" in texts[5] and "Trần Đức Anh" in texts[5]
    assert "Zoë Müller" in texts[7] and "Chloé" in texts[7]


def test_arabic_names_are_shaped_not_replaced(tmp_path: Path) -> None:
    out = render(tmp_path, (WORLD[3],))
    text = pages(out)[0]
    # Joined, right-to-left glyphs that a reader maps back to the letters of the names.
    assert "فاطمة الزهراء" in text
    assert "يوسف" in text
    assert b"/FontFile2" in out.read_bytes()


def test_the_font_is_embedded(tmp_path: Path) -> None:
    raw = render(tmp_path).read_bytes()
    assert b"/FontFile2" in raw
    assert b"DejaVuSans" in raw


def test_qr_code_is_drawn_as_vector_modules(tmp_path: Path) -> None:
    raw = render(tmp_path).read_bytes()
    assert b"/Subtype /Image" not in raw  # no PNG per page
    runs = qr_runs(LETTERS[0].deep_link)
    assert runs[0] == (0, 0, 7)  # the top edge of the top-left finder pattern
    matrix = segno.make(LETTERS[0].deep_link, error="m", mask=QR_MASK).matrix
    dark = {(r, c) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}
    assert {(r, c + i) for r, c, n in runs for i in range(n)} == dark
    rectangles = qr_rectangles(LETTERS[0].deep_link)
    covered = [(r + dr, c + dc) for r, c, w, h in rectangles for dr in range(h) for dc in range(w)]
    assert sorted(covered) == sorted(dark)  # every dark module once, no light one
    assert len(rectangles) < len(runs)
    assert raw.count(b" re f") >= sum(len(qr_rectangles(x.deep_link)) for x in LETTERS)


def test_the_letter_carries_date_contact_privacy_link_and_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    segno.make("logo").save(str(logo), scale=4)
    school = LetterSchool(
        name=SCHOOL_NAME,
        printed=date(2025, 10, 1),
        contact={"nl": "Bel 0527 000 000", "en": "Call 0527 000 000"},
        privacy_statement_url="https://www.school.example/privacy",
        logo=logo,
    )
    out = render(tmp_path, LETTERS, school)
    text = pages(out)[0]
    assert "1 oktober 2025" in text and "1 October 2025" in text
    assert "Bel 0527 000 000" in text and "Call 0527 000 000" in text
    assert "https://www.school.example/privacy" in text
    raw = out.read_bytes()
    assert raw.count(b"/Subtype /Image") == 1  # one logo, shared by every page
    assert len(PdfReader(out).pages) == len(LETTERS)


def test_metadata_is_neutral(tmp_path: Path) -> None:
    reader = PdfReader(render(tmp_path))
    assert PDF_TITLE == "Privacyloket invitation"
    assert reader.metadata is not None and reader.metadata.title == PDF_TITLE
    for letter in LETTERS:
        assert letter.guardian_name not in str(reader.metadata)


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
    text = pages(render(tmp_path, LETTERS[:1]))[0]
    assert text.index("[nl]Dear ") < text.index(" Dear ")
    assert text.index("[nl]Invitation to Privacyloket") < text.index(" Invitation to Privacyloket")
    assert "[nl]As a check, the bot then asks for the date of birth of one of your children." in (
        text
    )
    assert "[nl]Your personal code / Your personal code" in text


def test_letters_come_in_the_order_they_are_handed_out_and_name_their_group(
    tmp_path: Path,
) -> None:
    """Per group, then by the name of the child the letter goes home with; the group and
    child are printed at the top, in the guardian's language."""
    given = (
        make_letter("Priya Sharma", ("Arjun", "Meera"), 1, ("3", "7"), "en"),
        make_letter("Jelle Hoekstra", ("Fenna",), 2, ("10",), "nl"),
        make_letter("Marieke de Jong", ("Zoë",), 3, ("3",), "nl"),
        make_letter("Inge Mulder", ("Sem",), 4, ("1",), "nl"),
        make_letter("James Whitfield", ("Zoë",), 5, ("3",), "en"),
        make_letter("Sanne van den Berg", ("Daniël",), 6, ("5",), "nl"),
    )
    texts = pages(render(tmp_path, given))
    order = [next(x.guardian_name for x in given if x.code in text) for text in texts]
    assert order == [
        "Inge Mulder",  # group 1
        "Priya Sharma",  # group 3: Arjun
        "James Whitfield",  # group 3: Zoë (James before Marieke)
        "Marieke de Jong",
        "Sanne van den Berg",  # group 5
        "Jelle Hoekstra",  # group 10 after 5, not after 1
    ]
    assert "Groep 1: Sem" in texts[0]
    assert "Group 3: Arjun · Group 7: Meera" in texts[1]
    assert "Group 3: Zoë" in texts[2] and "Groep 3: Zoë" in texts[3]
    assert "Groep 10: Fenna" in texts[5]
    assert handout_order(given)[0].guardian_name == "Inge Mulder"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_guardians_own_language_comes_first(tmp_path: Path, language: str) -> None:
    letter = make_letter("James Whitfield", ("Zoë",), 1, ("3",), language)
    text = pages(render(tmp_path, (letter,)))[0]
    dutch = [
        text.index(part)
        for part in ("Uitnodiging voor Privacyloket", "Beste James", "Uw persoonlijke code")
    ]
    english = [
        text.index(part)
        for part in ("Invitation to Privacyloket", "Dear James", "Your personal code")
    ]
    if language == "en":
        assert all(e < d for e, d in zip(english, dutch, strict=True)), text
    else:
        assert all(d < e for e, d in zip(english, dutch, strict=True)), text


def test_a_letter_needs_a_group_for_every_child_or_none() -> None:
    with pytest.raises(ValueError):
        make_letter("Priya Sharma", ("Arjun", "Meera"), groups=("3",))


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
        write_letters_pdf([], school=SCHOOL, bot_username=BOT, out=tmp_path / "x.pdf")


def test_a_letter_needs_a_child() -> None:
    with pytest.raises(ValueError):
        make_letter("Zoë de Vries", ())


def test_csv_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "letters.csv"
    write_letters_csv(LETTERS, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0] == (
        b"\xef\xbb\xbfguardian_name,guardian_email,guardian_language,children,code,"
        b"deep_link,expires"
    )
    with out.open(encoding="utf-8-sig", newline="") as fp:
        reader = csv.DictReader(fp)
        assert tuple(reader.fieldnames or ()) == CSV_FIELDS
        rows = list(reader)
    assert rows == [
        {
            "guardian_name": letter.guardian_name,
            "guardian_email": letter.guardian_email,
            "guardian_language": letter.guardian_language,
            "children": ", ".join(letter.children),
            "code": letter.code,
            "deep_link": letter.deep_link,
            "expires": "2025-10-31",
        }
        for letter in LETTERS
    ]
    assert rows[2]["children"] == "Anaïs, Noé, Lotte"
    assert rows[2]["guardian_name"] == "Łukasz Wiśniewski"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë", "Zoë"),
        ("Zoe\u0308", "Zoë"),
        ("Ayşe Yılmaz", "Ayşe Yılmaz"),
        ("李", "李"),
        ("a\tb\nc", "a b\nc"),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


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


async def test_codes_name_each_childs_group_and_skip_guardians_who_use_the_bot(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    school = s.school("cbs-klimop")
    await link_guardian(s, clock, "Marieke de Jong", 5001)
    clock.advance(days=31)  # the other codes expired unused
    # Marieke uses the bot: new letters are for the families who do not.
    issued = await issue_guardian_codes(s.db, s.keys, clock, school, days=30)
    assert "Marieke de Jong" not in {i.guardian_name for i in issued}
    assert "James Whitfield" in {i.guardian_name for i in issued}
    priya = next(i for i in issued if i.guardian_name == "Priya Sharma")
    assert (priya.children, priya.groups) == (("Arjun", "Meera"), ("3", "7"))
    # Handed out in group 7 (written as the roster does), the letter goes home with Meera.
    issued = await issue_guardian_codes(
        s.db, s.keys, clock, school, days=30, group="Groep 7", renew=True
    )
    priya = next(i for i in issued if i.guardian_name == "Priya Sharma")
    assert (priya.children, priya.groups) == (("Meera", "Arjun"), ("7", "3"))
    # Renewing replaces every code, also of a guardian who uses the bot (a new phone).
    issued = await issue_guardian_codes(s.db, s.keys, clock, school, days=30, renew=True)
    assert "Marieke de Jong" in {i.guardian_name for i in issued}
