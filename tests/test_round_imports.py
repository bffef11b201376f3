"""Every module of consent rounds can be the first one imported: no import cycle that only
shows in one order (a screen, a job or the CLI may import any of them first)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    [
        *(
            "bot.domain.rounds." + p.stem
            for p in (ROOT / "bot" / "domain" / "rounds").glob("*.py")
            if p.stem != "__init__"
        ),
        "bot.domain.consent",
        "bot.domain.consent_csv",
        "bot.domain.consent_lists",
        "bot.domain.photo_checks",
        "bot.domain.photo_check_notices",
        "bot.domain.undeliverable",
        "bot.domain.texts.for_parents_rounds",
        "bot.domain.texts.for_staff_rounds",
        "bot.domain.texts.for_staff_photo_checks",
        "bot.jobs.rounds",
        "bot.jobs.digest",
        "bot.schools.consent_letters",
    ]
)


async def _import_alone(module: str) -> tuple[str, int, bytes]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"import {module}",
        cwd=ROOT,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    return module, process.returncode or 0, err


async def test_each_module_imports_on_its_own() -> None:
    results = await asyncio.gather(*(_import_alone(m) for m in MODULES))
    failed = {m: err.decode().strip().splitlines()[-1] for m, code, err in results if code}
    assert failed == {}
