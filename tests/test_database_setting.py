"""PRIVACYLOKET_DATABASE names a SQLite file or a PostgreSQL server, and nothing else: a URL
is never taken for a file name, and a server that cannot be reached is one line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.cli import main
from tests.support import SCHOOL_TOML, SECRET


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(SCHOOL_TOML))
    monkeypatch.setenv("PRIVACYLOKET_SECRET_KEY", SECRET)
    return tmp_path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _init(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["init"])
    _out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return code, lines[0]


def test_an_unreachable_postgresql_server_is_one_line_naming_the_setting(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _closed_port()
    monkeypatch.setenv(
        "PRIVACYLOKET_DATABASE", f"postgresql://privacyloket:s3cret-pw@127.0.0.1:{port}/bot"
    )
    code, line = _init(capsys)
    assert code == 1
    assert line.startswith(
        f"privacyloket: error: PRIVACYLOKET_DATABASE: cannot reach "
        f"postgresql://privacyloket@127.0.0.1:{port}/bot ("
    ), line
    assert "s3cret-pw" not in line
    # Never a folder called "postgresql:" (what a file path setting would have made).
    assert sorted(p.name for p in env.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("mysql://bot@db/bot", "unknown database scheme 'mysql'"),
        ("postgresql://bot@db:port/bot", "not a PostgreSQL URL"),
        ("  ", "empty"),
    ],
)
def test_a_database_setting_that_is_neither_a_file_nor_postgresql_stops_start_up(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
    problem: str,
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_DATABASE", value)
    code, line = _init(capsys)
    assert code == 2
    assert line.startswith("privacyloket: error: PRIVACYLOKET_DATABASE: "), line
    assert problem in line
    assert sorted(p.name for p in env.iterdir()) == []


def test_a_sqlite_url_is_a_file(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_DATABASE", f"sqlite:///{env / 'data' / 'school.db'}")
    assert main(["init"]) == 0
    out, _err = capsys.readouterr()
    assert f"Database {env / 'data' / 'school.db'} is ready" in out
    assert (env / "data" / "school.db").is_file()


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        (
            {"PRIVACYLOKET_WEBHOOK_URL": "https://bot.example.org/telegram"},
            "PRIVACYLOKET_WEBHOOK_SECRET: required with PRIVACYLOKET_WEBHOOK_URL",
        ),
        (
            {
                "PRIVACYLOKET_WEBHOOK_URL": "https://bot.example.org/telegram",
                "PRIVACYLOKET_WEBHOOK_SECRET": "not allowed!",
            },
            "PRIVACYLOKET_WEBHOOK_SECRET: must be 1 to 256 of the characters",
        ),
        (
            {
                "PRIVACYLOKET_WEBHOOK_URL": "http://bot.example.org/telegram",
                "PRIVACYLOKET_WEBHOOK_SECRET": "s3cret",
            },
            "PRIVACYLOKET_WEBHOOK_URL: must be an https:// URL",
        ),
        (
            {
                "PRIVACYLOKET_WEBHOOK_URL": "https://bot.example.org/telegram",
                "PRIVACYLOKET_WEBHOOK_SECRET": "s3cret",
                "PRIVACYLOKET_WEBHOOK_LISTEN": "8080",
            },
            "PRIVACYLOKET_WEBHOOK_LISTEN: must be host:port",
        ),
    ],
)
def test_a_bad_webhook_setting_stops_start_up_with_one_line(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variables: dict[str, str],
    problem: str,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRIVACYLOKET_BOT_TOKEN", "123456:TEST-TOKEN")
    code = main(["run"])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err.strip().splitlines() == [
        f"privacyloket: error: {problem}" + err.split(problem)[1].rstrip()
    ]
    assert "s3cret" not in err and "not allowed!" not in err


def test_health_in_webhook_mode_asks_healthz(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _closed_port()
    monkeypatch.setenv("PRIVACYLOKET_WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.setenv("PRIVACYLOKET_WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("PRIVACYLOKET_WEBHOOK_LISTEN", f"0.0.0.0:{port}")
    assert main(["health"]) == 1
    out, _err = capsys.readouterr()
    assert out.startswith(f"unhealthy: http://127.0.0.1:{port}/healthz does not answer")
