"""The running bot anchors the audit chain's head; audit verify finds a cut-off newest event."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import FakeBotAPI
from bot.security.anchor import read_anchors
from tests.support import ROSTER_CSV, SCHOOL_TOML


async def _run_bot_briefly(folder: Path) -> None:
    async with FakeBotAPI() as fake:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")},
            "PRIVACYLOKET_SCHOOLS": str(SCHOOL_TOML),
            "PRIVACYLOKET_BOT_TOKEN": fake.token,
            "PRIVACYLOKET_API_BASE_URL": fake.api_root,
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=folder
        )
        try:
            await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 60)
        finally:
            bot.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(bot.wait(), 30) == 0


def test_run_anchors_the_head_and_verify_finds_a_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(SCHOOL_TOML))
    assert main(["init"]) == 0
    assert main(["import-roster", str(ROSTER_CSV), "--school", "cbs-klimop"]) == 0
    invites = ["--school", "cbs-klimop", "--format", "csv", "--bot-username", "KlimopTestBot"]
    assert main(["invites", *invites, "--out", "codes.csv"]) == 0
    capsys.readouterr()
    with sqlite3.connect(tmp_path / "privacyloket.db") as raw:
        newest = raw.execute("SELECT MAX(id) FROM audit_events").fetchone()[0]
    assert newest >= 2

    asyncio.run(_run_bot_briefly(tmp_path))
    anchors = read_anchors(tmp_path / "privacyloket.key.anchor")
    assert [a.id for a in anchors] == [newest]  # at start; unchanged at shutdown
    assert main(["audit", "verify"]) == 0
    assert f"the anchor file vouches for events up to {newest}" in capsys.readouterr().out

    with sqlite3.connect(tmp_path / "privacyloket.db") as raw:
        raw.execute("DROP TRIGGER audit_events_no_delete")
        raw.execute("DELETE FROM audit_events WHERE id = ?", (newest,))
        raw.execute(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_events'", (newest - 1,)
        )
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"Audit trail broken at event {newest}: event is missing (deleted): the anchor file "
        f"vouches for events up to {newest} ({newest - 1} events before it are intact)."
    )
