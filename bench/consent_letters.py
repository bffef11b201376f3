"""How fast a consent round's paper forms are made: ``python bench/consent_letters.py [N]``
(default 1000).

Prints the time for N pages, per page, and against the goal (1,000 pages in at most 10 s),
beside the invitation letters made in the same run as the reference. Every page lists all
of the example school's purposes (five photo purposes and an exchange) with a message of
the school; half the guardians read English; names in Turkish, Polish and Vietnamese; a
QR code with a new code on every page but every fifth (a guardian who blocked the bot).
Not part of the test suite: speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.rounds.paper import PaperLetter
from bot.schools.config import load_school
from bot.schools.consent_letters import Page, write_consent_letters_pdf
from bot.schools.invitations import deep_link
from bot.schools.letters import Letter, LetterSchool, write_letters_pdf
from bot.security.codes import display, generate

GOAL_SECONDS_PER_1000 = 10.0
NAMES = ("Zoë de Jong", "Ayşe Yılmaz", "Łukasz Wiśniewski", "Nguyễn Thị Hương", "Priya Sharma")
CHILDREN = ("Emma de Vries", "Ömer Yılmaz", "Łucja Wiśniewska", "Anaïs Bakker", "Arjun Sharma")
MESSAGE = (
    "Elk schooljaar vragen wij alle ouders opnieuw om toestemming. Wilt u het formulier "
    "invullen, ook als er voor u niets verandert?"
)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    root = Path(__file__).resolve().parent.parent
    school = load_school(root / "examples" / "cbs-klimop.toml")
    pages = []
    letters = []
    for i in range(n):
        code = generate()
        link = deep_link("KlimopPrivacyBot", code)
        blocked = i % 5 == 4
        letter = PaperLetter(
            guardian_id=i,
            guardian_name=NAMES[i % len(NAMES)],
            language=("nl", "en")[i % 2],
            linked=blocked,
            child=CHILDREN[i % len(CHILDREN)],
            group=str(1 + i % 8),
            purposes=school.consent_purposes,
            closes_on=date(2026, 11, 16),
            message=MESSAGE,
            round_number=1,
        )
        pages.append(
            Page(letter, "https://t.me/KlimopPrivacyBot")
            if blocked
            else Page(letter, link, display(code), date(2026, 12, 2))
        )
        letters.append(
            Letter(
                guardian_name=letter.guardian_name,
                children=(letter.child.split()[0],),
                code=display(code),
                deep_link=link,
                expires=date(2026, 12, 2),
                guardian_language=letter.language,
                groups=(letter.group,),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "forms.pdf"
        started, cpu = time.perf_counter(), time.process_time()
        overflowing = write_consent_letters_pdf(
            pages,
            school=school.name,
            printed=date(2026, 11, 2),
            bot_username="KlimopPrivacyBot",
            out=out,
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = out.stat().st_size
        reference = Path(folder) / "letters.pdf"
        started = time.perf_counter()
        write_letters_pdf(
            letters,
            school=LetterSchool.from_config(school, datetime.now(UTC)),
            bot_username="KlimopPrivacyBot",
            out=reference,
        )
        invitations = time.perf_counter() - started
    per_1000 = elapsed / n * 1000
    print(
        f"{n} consent forms in {elapsed:.2f} s ({elapsed / n * 1000:.1f} ms a page, "
        f"{size / 1e6:.1f} MB, {cpu:.2f} s of CPU, {overflowing} over their page); per 1000: "
        f"{per_1000:.2f} s, {per_1000 / GOAL_SECONDS_PER_1000:.2f} of the 10 s goal; "
        f"{n} invitation letters in the same run: {invitations:.2f} s "
        f"({elapsed / invitations:.2f}× of that)"
    )


if __name__ == "__main__":
    main()
