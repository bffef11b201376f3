"""A foundation-sized roster: ``python bench/roster.py [PUPILS]`` (default 10,000 pupils,
about 16,666 guardians).

Prints how long parsing, importing and issuing every guardian's code (the work behind
``import-roster`` and ``invites --csv``) take. Not part of the test suite.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.schools.invitations import issue_guardian_codes
from bot.schools.letters import Letter, write_letters_csv
from bot.schools.roster import HEADER, import_roster, parse_roster
from bot.services import Services
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def roster(pupils: int) -> bytes:
    lines = [",".join(HEADER)]
    for n in range(pupils):
        group = 1 + n % 8
        born = f"{1 + n % 28}-{1 + n % 12}-{2021 - group}"
        guardians = [n, pupils + n] if n % 3 else [n]  # two parents for two pupils in three
        for g in guardians:
            lines.append(
                f"L{n},Kind{n},Achternaam{n % 97},{born},{group},O{g},Ouder {g},"
                f"ouder{g}@example.org,{'nl' if g % 4 else 'en'}"
            )
    return ("\n".join(lines) + "\n").encode()


async def main(pupils: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database=Path(folder) / "bench.db",
            schools=ROOT / "examples" / "cbs-klimop.toml",
            secret_key="bench-" + "x" * 40,
        )
        services = await Services.start(settings)
        try:
            school = services.school("cbs-klimop")
            data = roster(pupils)
            started = time.perf_counter()
            rows = parse_roster(data, services.clock.now().date())
            parsed = time.perf_counter()
            summary = await import_roster(services.db, services.keys, services.clock, school, rows)
            imported = time.perf_counter()
            issued = await issue_guardian_codes(
                services.db, services.keys, services.clock, school, days=30
            )
            write_letters_csv(
                [
                    Letter(i.guardian_name, i.children, i.code, "-", i.expires.date())
                    for i in issued
                ],
                Path(folder) / "codes.csv",
            )
            done = time.perf_counter()
        finally:
            await services.close()
    print(
        f"{summary.added} pupils, {summary.guardians} guardians: parse {parsed - started:.1f} s, "
        f"import {imported - parsed:.1f} s, codes + CSV {done - imported:.1f} s"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
