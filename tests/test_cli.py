"""The privacyloket command as an ICT coordinator uses it."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import FakeBotAPI
from tests.support import ROSTER_CSV, SCHOOL_TOML, new_school_year_roster


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

    from bot.cli import build_parser

    def walk(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        found = [parser]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += walk(sub)
        return found

    for parser in walk(build_parser()):
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
    assert "Anna de Wit, teacher (group 3) at cbs Klimop" in out  # one group: "group"

    code, out, _ = _run(capsys, "audit", "verify")
    assert code == 0 and "Audit trail intact" in out


def _dump(database: Path) -> list[str]:
    with sqlite3.connect(database) as raw:
        return list(raw.iterdump())


def test_a_new_school_year_is_shown_by_a_dry_run_that_changes_nothing(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    next_year = env / "roster-2027.csv"
    next_year.write_text(new_school_year_roster(), encoding="utf-8")
    before = _dump(env / "privacyloket.db")

    code, out, err = _run(
        capsys, "import-roster", str(next_year), "--school", "cbs-klimop", "--dry-run"
    )
    assert (code, err) == (0, "")
    assert _dump(env / "privacyloket.db") == before
    assert out.splitlines() == [
        "Dry run for cbs-klimop: nothing was changed. Importing roster-2027.csv would:",
        "Pupils: 9 moved up a group, 1 in the same group, 3 new, 2 left.",
        "  new:  Lieke Jansen (group 1)",
        "  new:  Mila de Jong (group 1)",
        "  new:  Yusuf Demir (group 4)",
        "  left: Fenna Hoekstra (group 8)",
        "  left: Thijs Smit (group 7)",
        "Guardians: 15 on the roster; 2 new, 2 no longer with a pupil at the school.",
        "Groups: 1, 2, 3, 4, 6, 7, 8.",
        "7 groups without a teacher who uses the bot: 1, 2, 3, 4, 6, 7, 8 (their requests go "
        "to the head teacher until a teacher of the group is linked).",
        "Nothing was changed: run the same command without --dry-run to import.",
    ]

    code, out, _ = _run(capsys, "import-roster", str(next_year), "--school", "cbs-klimop")
    assert code == 0
    assert out.startswith(
        "Roster imported for cbs-klimop: 3 added, 9 updated, 2 marked as left, 1 unchanged; "
        "15 guardians.\nPupils: 9 moved up a group"
    )
    assert _dump(env / "privacyloket.db") != before


def test_a_dry_run_needs_a_database(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop", "--dry-run"
    )
    assert code == 1 and "run 'privacyloket init' first" in err
    assert not (env / "privacyloket.db").exists()


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
    # A missing setting exits as the README says for a bad one: 2.
    assert code == 2 and err == (
        "privacyloket: error: no bot token: set PRIVACYLOKET_BOT_TOKEN (from @BotFather)\n"
    )
    monkeypatch.delenv("PRIVACYLOKET_BOT_USERNAME")
    code, _, err = _run(capsys, "invites", "--school", "cbs-klimop", "--out", "letters.pdf")
    assert code == 2 and "the bot's username is needed for the links" in err
    monkeypatch.setenv("PRIVACYLOKET_BOT_USERNAME", "KlimopTestBot")
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

    from bot.cli.logs import configure_logging

    names = ("", "telegram", "httpx", "httpcore", "aiosqlite", "apscheduler")
    saved = {name: logging.getLogger(name).level for name in names}
    try:
        configure_logging("DEBUG")
        assert logging.getLogger("telegram.ext").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("telegram.Bot").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("aiosqlite").getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("bot.jobs.dispatcher").getEffectiveLevel() == logging.DEBUG
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
