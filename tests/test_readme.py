"""The README's commands work as written, in the order a new user follows them."""

from __future__ import annotations

import argparse
import fnmatch
import re
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.settings import Settings
from tests.support import EXAMPLES, SCHOOL_TOML

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
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
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands is not None
    used = set(re.findall(r"privacyloket ([a-z][a-z-]+)", README)) - {"cbs", "privacyloket"}
    assert used - set(commands) == set(), used - set(commands)
    table = re.findall(r"^\| `privacyloket ([a-z-]+)", README, flags=re.M)
    assert set(commands) <= set(table)


def _commands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
        found |= {o for o in action.option_strings if o.startswith("--") and o != "--help"}
    return found


def test_every_option_of_every_command_is_in_its_row_of_the_table() -> None:
    rows = re.findall(r"^\| `privacyloket ([a-z-]+)([^|]*(?:\\\|[^|]*)*)\|(.*)$", README, re.M)
    for name, parser in _commands().items():
        row = " ".join(usage + text for command, usage, text in rows if command == name)
        missing = {option for option in _options(parser) if option not in row}
        assert missing == set(), f"privacyloket {name}: {sorted(missing)} not in the README"


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def test_the_school_config_table_is_one_table() -> None:
    section = _section("School config")
    start = section.index("| field | meaning |")
    table = section[start:].split("\n\n", 1)[0].splitlines()
    assert all(line.startswith("|") for line in table)
    fields = {re.findall(r"`([^`]+)`", line)[0] for line in table[2:]}
    assert {"slug", "logo", "contacts.complaints", "[[photo_purposes]]", "[retention]"} <= fields
    assert "`takedown_on_leaving`" in next(r for r in table if "[[photo_purposes]]" in r)


def test_the_exit_code_the_readme_gives_for_run_without_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(SCHOOL_TOML))
    row = next(line for line in README.splitlines() if line.startswith("| `privacyloket run`"))
    documented = re.search(r"without a token it stops with one line and exit code (\d)", row)
    assert documented is not None
    assert "2 for a missing or bad setting" in README
    assert main(["run"]) == int(documented.group(1)) == 2
    assert "no bot token" in capsys.readouterr().err


def test_the_example_config_points_only_to_files_that_exist() -> None:
    for config in sorted(EXAMPLES.glob("*.toml")):
        comments = "\n".join(
            line.split("#", 1)[1] for line in config.read_text("utf-8").splitlines() if "#" in line
        )
        paths = re.findall(r"[\w./-]*/[\w.-]+\.\w+", comments)
        assert paths, config  # the comments do point to the code and the README
        for path in paths:
            assert not path.startswith("/"), f"{config.name}: a path of one machine: {path}"
            assert (ROOT / path).exists(), f"{config.name}: {path} does not exist"


def _ignored(name: str) -> bool:
    patterns = [
        line.strip()
        for line in (ROOT / ".gitignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(name, p.lstrip("/").rstrip("/")) for p in patterns)


def test_what_the_readmes_own_steps_write_in_the_checkout_is_ignored_by_git() -> None:
    """The letters and the mail-merge CSV hold the codes; the database, key, anchor, lock and
    health files are the school's."""
    written = set(re.findall(r"--(?:out|csv)\s+([a-z][\w.-]*\.(?:pdf|csv))", README))
    assert {"letters.pdf", "letters.csv", "new.pdf", "letters-2027.pdf"} <= written
    written |= set(re.findall(r"import-roster (roster[\w.-]*\.(?:csv|xlsx))", README))
    settings = Settings()
    written |= {
        p.name
        for p in (
            settings.database_file,
            settings.key_file,
            settings.anchor_file,
            settings.lock_file,
            settings.health_file,
        )
    }
    assert {"privacyloket.db.lock", "privacyloket.key.anchor"} <= written
    assert [name for name in sorted(written) if not _ignored(name)] == []
    # ...while the example roster stays in the repository.
    assert not _ignored("examples/roster-cbs-klimop.csv")
