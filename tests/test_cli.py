"""The privacyloket command as an ICT coordinator uses it."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import FakeBotAPI
from tests.support import ROSTER_CSV, SCHOOL_TOML


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(SCHOOL_TOML))
    monkeypatch.setenv("PRIVACYLOKET_BOT_USERNAME", "KlimopTestBot")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        [],
        ["init"],
        ["check"],
        ["import-roster"],
        ["invites"],
        ["staff-invite"],
        ["run"],
        ["health"],
        ["audit"],
        ["audit", "verify"],
    ):
        with pytest.raises(SystemExit) as exited:
            main([*command, "--help"])
        assert exited.value.code == 0
        text = capsys.readouterr().out
        assert "usage: privacyloket" in text
        # What it does, and an example to copy.
        assert "example:\n  privacyloket" in text or "example:\n  PRIVACYLOKET_" in text


def test_every_option_says_what_it_means() -> None:
    import argparse

    from bot.cli import _parser

    def walk(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        found = [parser]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += walk(sub)
        return found

    for parser in walk(_parser()):
        assert parser.description, parser.prog
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{parser.prog} {action.option_strings or action.dest}"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"privacyloket {version('privacyloket')}"


def test_the_whole_setup_of_a_school(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "init")
    assert code == 0 and "Created the key file" in out
    assert (env / "privacyloket.key").stat().st_mode & 0o777 == 0o600
    code, out, _ = _run(capsys, "init")
    assert code == 0 and "Created" not in out

    code, out, _ = _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    assert code == 0 and "12 added, 0 updated, 0 marked as left" in out

    code, out, _ = _run(
        capsys, "invites", "--school", "cbs-klimop", "--format", "csv", "--out", "codes.csv"
    )
    assert code == 0 and "15 codes issued" in out
    with (env / "codes.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    priya = next(r for r in rows if r["guardian_name"] == "Priya Sharma")
    assert priya["children"] == "Arjun, Meera"
    assert priya["guardian_email"] and priya["guardian_language"] in ("nl", "en")
    assert priya["deep_link"].startswith("https://t.me/KlimopTestBot?start=")
    assert priya["deep_link"].endswith(priya["code"].replace("-", ""))

    code, out, _ = _run(capsys, "invites", "--school", "cbs-klimop", "--out", "letters.pdf")
    assert code == 0 and "No new codes" in out
    code, out, _ = _run(
        capsys,
        "invites",
        "--school",
        "cbs-klimop",
        "--group",
        "7",
        "--renew",
        "--out",
        "letters.pdf",
    )
    assert code == 0 and "4 codes issued" in out
    assert (env / "letters.pdf").read_bytes().startswith(b"%PDF")

    code, out, _ = _run(
        capsys,
        "staff-invite",
        "--school",
        "cbs-klimop",
        "--role",
        "teacher",
        "--name",
        "Anna de Wit",
        "--group",
        "3",
    )
    assert code == 0 and "https://t.me/KlimopTestBot?start=" in out

    code, out, _ = _run(capsys, "audit", "verify")
    assert code == 0 and "Audit trail intact" in out


def test_errors_are_one_line_with_a_non_zero_exit(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    code, _, err = _run(capsys, "import-roster", "missing.csv", "--school", "cbs-klimop")
    assert (
        code == 1 and err.strip() == "privacyloket: error: missing.csv: No such file or directory"
    )
    code, _, err = _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "nope")
    assert code == 2 and "unknown school 'nope'" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(
        capsys, "staff-invite", "--school", "cbs-klimop", "--role", "teacher", "--name", "X"
    )
    assert code == 1 and "needs at least one --group" in err
    code, _, err = _run(capsys, "invites", "--school", "cbs-klimop", "--out", "/nonexistent/x.pdf")
    assert code == 1 and "cannot write there" in err


def test_a_bad_roster_lists_its_problems(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "init")
    bad = env / "bad.csv"
    bad.write_text(
        ROSTER_CSV.read_text(encoding="utf-8") + "L9,Bo,Bakker,31-31-2019,3,O9,X,,de\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, "import-roster", str(bad), "--school", "cbs-klimop")
    assert code == 1
    assert "line 18: birth_date '31-31-2019'" in err
    assert "line 18: guardian_language 'de'" in err


def test_a_bad_school_config_stops_with_exit_code_2(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = env / "school.toml"
    broken.write_text(
        SCHOOL_TOML.read_text(encoding="utf-8").replace(
            'slug = "cbs-klimop"', 'slug = "CBS Klimop!"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(broken))
    code, _, err = _run(capsys, "init")
    assert code == 2
    assert err.startswith(f"privacyloket: error: {broken}: slug:")


def test_audit_verify_names_the_tampered_event(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    _run(capsys, "invites", "--school", "cbs-klimop", "--format", "csv", "--out", "c.csv")
    with sqlite3.connect(env / "privacyloket.db") as raw:
        raw.execute("DROP TRIGGER audit_events_no_update")
        raw.execute("UPDATE audit_events SET actor = 'someone' WHERE id = 3")
    code, _, err = _run(capsys, "audit", "verify")
    assert code == 1 and "broken at event 3: content was changed" in err


def test_run_without_token_or_api_stops_with_one_line(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    code, _, err = _run(capsys, "run")
    assert code == 1 and "no bot token" in err
    monkeypatch.setenv("PRIVACYLOKET_BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("PRIVACYLOKET_API_BASE_URL", "http://127.0.0.1:9")
    code, _, err = _run(capsys, "run")
    assert code == 1 and "cannot reach the Bot API at http://127.0.0.1:9" in err
    assert "Traceback" not in err


async def test_run_with_a_refused_token(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeBotAPI(token="123456:RIGHT") as fake:
        monkeypatch.setenv("PRIVACYLOKET_API_BASE_URL", fake.api_root)
        monkeypatch.setenv("PRIVACYLOKET_BOT_TOKEN", "123456:WRONG")
        await asyncio.to_thread(main, ["init"])
        code = await asyncio.to_thread(main, ["run"])
    assert code == 1
    assert "the bot token was refused" in capsys.readouterr().err


def test_debug_logging_never_reaches_message_texts_or_tokens() -> None:
    import logging

    from bot.cli import _configure_logging

    names = ("", "telegram", "httpx", "httpcore", "aiosqlite", "apscheduler")
    saved = {name: logging.getLogger(name).level for name in names}
    try:
        _configure_logging("DEBUG")
        assert logging.getLogger("telegram.ext").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("telegram.Bot").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("aiosqlite").getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("bot.jobs.outbox").getEffectiveLevel() == logging.DEBUG
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
