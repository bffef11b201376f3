"""``privacyloket demo`` as a real process: it serves the page, prints the parents' codes and
stops on Ctrl-C (SIGINT) within seconds, leaving nothing behind unless told to keep it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("keep", [False, True], ids=["throw-away", "kept"])
async def test_the_demo_serves_its_page_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path, keep: bool
) -> None:
    temp, cwd, kept = tmp_path / "tmp", tmp_path / "cwd", tmp_path / "kept"
    temp.mkdir()
    cwd.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")}
    env.update(PYTHONPATH=str(ROOT), TMPDIR=str(temp))
    argv = ["-m", "bot", "demo", "--port", str(port), "--lang", "en"]
    if keep:
        argv += ["--keep", str(kept)]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *argv, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        printed = ""
        async with asyncio.timeout(60):
            while "Ctrl-C" not in printed:
                line = await process.stdout.readline()
                assert line, f"the demo stopped early: {printed}"
                printed += line.decode()
        assert f"http://127.0.0.1:{port}/" in printed
        assert re.search(r"Marieke de Jong \(Nederlands\): [0-9A-Z-]{20,}", printed), printed
        assert re.search(r"James Whitfield \(English\): [0-9A-Z-]{20,}", printed), printed

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            page = await http.get("/")
            assert page.status_code == 200 and "/app.js" in page.text
            state = (await http.get("/api/state")).json()
            assert state["labels"]["day"] == "+1 day"
            assert [c["title"] for c in state["chats"]] == [
                "Marieke de Jong",
                "James Whitfield",
                "Anna de Wit",
                "J. de Vries",
            ]

        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    assert list(temp.iterdir()) == []
    assert list(cwd.iterdir()) == []
    if keep:
        assert (kept / "demo.db").is_file() and (kept / "demo.key").is_file()


def test_a_port_in_use_is_named_in_one_line_and_nothing_is_left(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")}
    env.update(PYTHONPATH=str(ROOT), TMPDIR=str(temp))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "bot", "demo", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"privacyloket: error: port {port} is in use; choose another one with --port"
    )
    assert list(temp.iterdir()) == []
