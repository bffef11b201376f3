"""The real bot process against the Bot API emulator, killed with SIGKILL at a chosen call
and started again: shared by the crash tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from bot.emulator import ApiCall, FakeBotAPI
from tests.support import SCHOOL_TOML, SECRET

TOKEN = "123456:TEST-TOKEN"


class Rig:
    def __init__(self, fake: FakeBotAPI, tmp: Path) -> None:
        self.fake = fake
        self.tmp = tmp
        self.db = tmp / "test.db"
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self._trigger: Callable[[ApiCall, str], bool] | None = None
        self.killed = asyncio.Event()
        fake.intercept = self._intercept

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")}
        env.update(
            PRIVACYLOKET_DATABASE=str(self.db),
            PRIVACYLOKET_SCHOOLS=str(SCHOOL_TOML),
            PRIVACYLOKET_SECRET_KEY=SECRET,
            PRIVACYLOKET_KEY_FILE=str(self.tmp / "test.key"),
            PRIVACYLOKET_BOT_TOKEN=TOKEN,
            PRIVACYLOKET_BOT_USERNAME="KlimopTestBot",
            PRIVACYLOKET_API_BASE_URL=self.fake.api_root,
            PRIVACYLOKET_LOG_LEVEL="INFO",
        )
        return env

    async def start(self) -> None:
        self.starts += 1
        log = (self.tmp / f"bot-{self.starts}.log").open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=self.env, cwd=self.tmp, stdout=log, stderr=log
        )
        log.close()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await self.proc.wait()

    def kill_when(self, trigger: Callable[[ApiCall, str], bool]) -> None:
        """SIGKILL the bot at the first call (and phase) the trigger picks."""
        self.killed.clear()
        self._trigger = trigger

    async def _intercept(self, call: ApiCall, phase: str) -> bool:
        if self._trigger is None or not self._trigger(call, phase):
            return False
        self._trigger = None
        assert self.proc is not None
        # No await before the event is set: the dying client makes aiohttp cancel this.
        self.proc.send_signal(signal.SIGKILL)
        self.killed.set()
        return phase == "before"  # killed before it took effect: the call has no effect

    async def crash_and_restart(self) -> None:
        async with asyncio.timeout(20):
            await self.killed.wait()
        assert self.proc is not None
        await self.proc.wait()
        await self.start()

    def query(self, sql: str) -> int:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            return int(conn.execute(sql).fetchone()[0])

    async def settled(self) -> None:
        """Telegram's queue and the inbox are empty, the outbox is sent: all is handled."""

        def done() -> bool:
            return (
                not self.fake.pending_updates()
                and self.query(
                    "SELECT COUNT(*) FROM inbox WHERE failed_at IS NULL AND handled_at IS NULL"
                )
                == 0
                and self.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == 0
            )

        await self.fake.wait_for(done, 30, message="the bot did not settle")
        failed = self.query("SELECT COUNT(*) FROM inbox WHERE failed_at IS NOT NULL")
        assert failed == 0, "an update failed"

    async def act(self, inject: Callable[[], object]) -> None:
        inject()
        await self.settled()


def nth(method: str, n: int, phase: str, chat_id: int | None = None) -> Callable[..., bool]:
    seen = 0

    def trigger(call: ApiCall, at: str) -> bool:
        nonlocal seen
        if call.method != method or at != phase:
            return False
        if chat_id is not None and call.params.get("chat_id") != chat_id:
            return False
        if method == "getUpdates" and not call.response.get("result"):
            return False
        seen += 1
        return seen == n

    return trigger
