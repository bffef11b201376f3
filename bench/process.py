"""Starting and stopping a bot process (the real one or the echo bot) against the fake API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.emulator import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
SCHOOL_TOML = ROOT / "examples" / "cbs-klimop.toml"
SECRET = "bench-secret-" + "x" * 40
TOKEN = "123456:TEST-TOKEN"


WEBHOOK_SECRET = "bench-webhook-secret"


def bot_env(
    database: str, folder: Path, fake: FakeBotAPI, webhook_port: int | None = None
) -> dict[str, str]:
    """The bot's settings; with ``webhook_port``, in webhook mode on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")}
    if webhook_port is not None:
        env.update(
            PRIVACYLOKET_WEBHOOK_URL=f"http://127.0.0.1:{webhook_port}/telegram/privacyloket",
            PRIVACYLOKET_WEBHOOK_SECRET=WEBHOOK_SECRET,
            PRIVACYLOKET_WEBHOOK_LISTEN=f"127.0.0.1:{webhook_port}",
        )
    env.update(
        PRIVACYLOKET_DATABASE=database,
        PRIVACYLOKET_SCHOOLS=str(SCHOOL_TOML),
        PRIVACYLOKET_SECRET_KEY=SECRET,
        PRIVACYLOKET_KEY_FILE=str(folder / "bench.key"),
        PRIVACYLOKET_AUDIT_ANCHOR_FILE=str(folder / "bench.anchor"),
        PRIVACYLOKET_BOT_TOKEN=fake.token,
        PRIVACYLOKET_BOT_USERNAME="KlimopBenchBot",
        PRIVACYLOKET_API_BASE_URL=fake.api_root,
        PRIVACYLOKET_LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    log: Path

    @classmethod
    async def start(
        cls, argv: list[str], env: dict[str, str], fake: FakeBotAPI, log: Path
    ) -> BotProcess:
        """Start and wait until it polls for updates (or has set its webhook)."""
        handle = log.open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, *argv, env=env, cwd=ROOT, stdout=handle, stderr=handle
        )
        handle.close()
        started = cls(process, log)
        try:
            await fake.wait_for(
                lambda: (
                    bool(fake.calls_to("getUpdates"))
                    or fake.webhook_set()
                    or process.returncode is not None
                ),
                timeout=60,
            )
        except TimeoutError:
            await started.stop()
            raise
        if process.returncode is not None:
            raise RuntimeError(f"{argv} exited at start; see {log}")
        return started

    def memory_kib(self) -> tuple[int, int]:
        """(current RSS, peak RSS) in KiB, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
