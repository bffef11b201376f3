"""The README's commands work as written, in the order a new user follows them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import _parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_bare_privacyloket_commands_follow_an_activated_virtualenv() -> None:
    """After the Quick start, a shell finds ``privacyloket`` only in the activated venv."""
    activated = False
    for block in BLOCKS:
        for line in block.splitlines():
            if re.search(r"(^|&&\s*|;\s*)(\.|source) \.venv/bin/activate", line):
                activated = True
            if re.match(r"^\s*(\w+=\S+\s+)*privacyloket\s", line):
                assert activated, f"'{line.strip()}' runs before the virtualenv is activated"
        # Each block can be pasted into a fresh shell on its own.
        if "privacyloket " in block.replace(".venv/bin/privacyloket", "") and (
            "docker" not in block
        ):
            assert re.search(r"(\.|source) \.venv/bin/activate", block), block
        activated = False


def test_every_command_in_the_readme_exists() -> None:
    parser = _parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands is not None
    used = set(re.findall(r"privacyloket ([a-z][a-z-]+)", README)) - {"cbs", "privacyloket"}
    assert used - set(commands) == set(), used - set(commands)
    table = re.findall(r"^\| `privacyloket ([a-z-]+)", README, flags=re.M)
    assert set(commands) <= set(table)
