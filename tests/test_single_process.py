"""A second bot process on the same database refuses to start, without touching Telegram."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.emulator import FakeBotAPI
from tests.support import SCHOOL_TOML, SECRET

ROOT = Path(__file__).resolve().parent.parent

HOLD = """
import sys
from pathlib import Path
from bot.single_process import hold_lock
with hold_lock(Path(sys.argv[1]), Path(sys.argv[2])):
    print("holding", flush=True)
    sys.stdin.read()
"""


async def test_a_second_run_on_the_same_database_refuses(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")},
        "PRIVACYLOKET_DATABASE": str(database),
        "PRIVACYLOKET_SCHOOLS": str(SCHOOL_TOML),
        "PRIVACYLOKET_SECRET_KEY": SECRET,
        "PRIVACYLOKET_BOT_TOKEN": "123456:TEST-TOKEN",
    }
    first = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD,
        str(tmp_path / "bot.db.lock"),
        str(database),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert first.stdout is not None
        assert await first.stdout.readline() == b"holding\n"
        async with FakeBotAPI() as fake:
            second = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env={**env, "PRIVACYLOKET_API_BASE_URL": fake.api_root},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=tmp_path,
            )
            out, err = await asyncio.wait_for(second.communicate(), 60)
            assert fake.calls == []
        assert second.returncode == 1
        lines = err.decode().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("privacyloket: error: another privacyloket run is already")
        assert str(database) in lines[0]
        assert out == b""
    finally:
        assert first.stdin is not None
        first.stdin.close()
        await first.wait()
