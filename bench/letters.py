"""How fast invitation letters are made: ``python bench/letters.py [N]`` (default 1000).

Prints the time for N letters, per letter, and against the goal (1,000 letters in at most
10 s). Half the guardians read English first; every letter names its groups. Not part of
the test suite: speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.schools.config import load_school
from bot.schools.invitations import deep_link
from bot.schools.letters import Letter, LetterSchool, write_letters_pdf
from bot.security.codes import display, generate

GOAL_SECONDS_PER_1000 = 10.0
NAMES = ("Zoë de Jong", "Ayşe Yılmaz", "Łukasz Wiśniewski", "Nguyễn Thị Hương", "Priya Sharma")
CHILDREN = (("Emma",), ("Arjun", "Meera"), ("Noé", "Anaïs", "Lotte"))
GROUPS = (("3",), ("3", "7"), ("1", "4", "8"))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    school = load_school(Path(__file__).resolve().parent.parent / "examples" / "cbs-klimop.toml")
    letters = []
    for i in range(n):
        code = generate()
        letters.append(
            Letter(
                guardian_name=NAMES[i % len(NAMES)],
                children=CHILDREN[i % len(CHILDREN)],
                code=display(code),
                deep_link=deep_link("KlimopPrivacyBot", code),
                expires=date(2026, 12, 31),
                guardian_language=("nl", "en")[i % 2],
                groups=GROUPS[i % len(GROUPS)],
            )
        )
    info = LetterSchool.from_config(school, datetime.now(UTC))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "letters.pdf"
        started, cpu = time.perf_counter(), time.process_time()
        write_letters_pdf(letters, school=info, bot_username="KlimopPrivacyBot", out=out)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = out.stat().st_size
    per_1000 = elapsed / n * 1000
    print(
        f"{n} letters in {elapsed:.2f} s ({elapsed / n * 1000:.1f} ms a letter, "
        f"{size / 1e6:.1f} MB, {cpu:.2f} s of CPU); per 1000: {per_1000:.2f} s, "
        f"{per_1000 / GOAL_SECONDS_PER_1000:.2f} of the 10 s goal"
    )


if __name__ == "__main__":
    main()
