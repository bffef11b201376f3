"""What the ICT coordinator meets when something is wrong: one line, no traceback, no hang."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from pypdf import PdfReader

from bot.cli import main
from tests.support import ROSTER_CSV, SCHOOL_TOML

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(SCHOOL_TOML))
    monkeypatch.setenv("PRIVACYLOKET_BOT_USERNAME", "KlimopTestBot")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _subprocess(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a hang fails the test instead of passing."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")}
    environ.update(PYTHONPATH=str(ROOT), PRIVACYLOKET_SCHOOLS=str(SCHOOL_TOML), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- the database ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["init"], ["audit", "verify"]])
def test_a_file_that_is_not_sqlite_is_one_line_and_the_process_exits(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "notdb.db").write_text("these are my notes, not a database\n" * 10)
    done = _subprocess(
        tmp_path, *command, PRIVACYLOKET_DATABASE="notdb.db", PRIVACYLOKET_SECRET_KEY="s" * 40
    )
    assert done.returncode == 1
    assert done.stderr == "privacyloket: error: notdb.db is not a Privacyloket database\n"


def test_another_programs_sqlite_file_is_not_taken_over(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(env / "other.db") as raw:
        raw.execute("CREATE TABLE recipes (name TEXT)")
    monkeypatch.setenv("PRIVACYLOKET_DATABASE", "other.db")
    code, _, err = _run(capsys, "init")
    assert code == 1
    assert _one_line(err) == "privacyloket: error: other.db is not a Privacyloket database"
    assert not (env / "privacyloket.key").exists()
    with sqlite3.connect(env / "other.db") as raw:
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master")]
    assert tables == ["recipes"]


def test_a_database_path_that_is_a_folder(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "data").mkdir()
    monkeypatch.setenv("PRIVACYLOKET_DATABASE", "data")
    code, _, err = _run(capsys, "init")
    assert code == 1
    assert _one_line(err) == "privacyloket: error: data is a folder, not a database file"
    assert not (env / "privacyloket.key").exists()


def test_a_database_folder_that_cannot_be_written(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new files even to root, like a read-only mount.
    monkeypatch.setenv("PRIVACYLOKET_DATABASE", "/proc/privacyloket/privacyloket.db")
    code, _, err = _run(capsys, "init")
    assert code == 1
    assert _one_line(err).startswith("privacyloket: error: /proc/privacyloket: cannot create")
    assert not (env / "privacyloket.key").exists()


def test_a_full_disk_while_creating_the_database(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def full(conn: object) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("storage.sqlite.apply_sqlite_migrations", full)
    code, _, err = _run(capsys, "init")
    assert code == 1
    assert _one_line(err) == (
        "privacyloket: error: privacyloket.db: the disk is full or failing; nothing was changed"
    )
    assert not (env / "privacyloket.key").exists()  # no key without its database


def test_a_key_file_that_cannot_be_written(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_KEY_FILE", "/proc/privacyloket.key")
    code, _, err = _run(capsys, "init")
    assert code == 1
    assert _one_line(err).startswith(
        "privacyloket: error: /proc/privacyloket.key: cannot write the key file"
    )
    assert not (env / "privacyloket.db").exists()


def test_a_full_disk_while_writing_the_key_file(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("bot.settings.os.write", full)
    code, _, err = _run(capsys, "init")
    assert code == 1
    assert _one_line(err) == (
        "privacyloket: error: privacyloket.key: cannot write the key file "
        "(No space left on device); nothing was written"
    )
    assert not (env / "privacyloket.key").exists()
    assert not (env / "privacyloket.db").exists()


def test_init_checks_the_school_config_before_writing_anything(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = env / "school.toml"
    broken.write_text(SCHOOL_TOML.read_text(encoding="utf-8").replace('slug = "cbs-klimop"', ""))
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(broken))
    code, _, err = _run(capsys, "init")
    assert code == 2 and "slug: missing" in err
    assert not (env / "privacyloket.key").exists()
    assert not (env / "privacyloket.db").exists()


def test_a_school_config_names_every_problem_at_once(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = env / "school.toml"
    broken.write_text(
        SCHOOL_TOML.read_text(encoding="utf-8").replace(
            "administration_system =", "administraton_system ="
        )
    )
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(broken))
    code, _, err = _run(capsys, "init")
    assert code == 2
    assert err.splitlines() == [
        "privacyloket: error: 2 problems in the school config",
        f"  {broken}: administration_system: missing (this field is required)",
        f"  {broken}: administraton_system: unknown field (misspelled?)",
    ]


# -- the Bot API ---------------------------------------------------------------------------


@pytest.fixture
async def web_server() -> AsyncIterator[str]:
    """A web server that is not a Bot API: an HTML page at /, 404 elsewhere."""

    async def page(request: web.Request) -> web.Response:
        if request.path.startswith("/proxy/"):  # a reverse proxy with nothing behind it
            return web.Response(
                status=502, text="<html>Bad Gateway</html>", content_type="text/html"
            )
        if request.path == "/":
            return web.Response(text="<html>It works!</html>", content_type="text/html")
        return web.Response(status=404, text="<html>Not Found</html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_an_api_url_that_is_not_a_bot_api(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    web_server: str,
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_BOT_TOKEN", "123456:TEST")
    await asyncio.to_thread(main, ["init"])
    capsys.readouterr()
    for url, status in (
        (web_server, 404),
        (web_server + "/some/path", 404),
        (web_server + "/proxy", 502),
    ):
        monkeypatch.setenv("PRIVACYLOKET_API_BASE_URL", url)
        with caplog.at_level(logging.DEBUG):
            code = await asyncio.to_thread(main, ["run"])
        assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
        err = _one_line(capsys.readouterr().err)
        assert code == 1
        assert err.startswith(
            f"privacyloket: error: {url} does not answer like a Telegram Bot API (HTTP {status})"
        )


# -- quiet traps ---------------------------------------------------------------------------


def test_invites_before_any_roster_says_so(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "init")
    code, out, err = _run(capsys, "invites", "--school", "cbs-klimop", "--out", "letters.pdf")
    assert code == 1 and out == ""
    assert _one_line(err) == (
        "privacyloket: error: no pupils at cbs-klimop yet: run "
        "'privacyloket import-roster FILE.csv --school cbs-klimop' first"
    )
    assert not (env / "letters.pdf").exists()


def test_one_run_writes_the_letters_and_the_mail_merge_csv(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    code, out, err = _run(
        capsys,
        "invites",
        "--school",
        "cbs-klimop",
        "--group",
        "7",
        "--out",
        "letters.pdf",
        "--csv",
        "letters.csv",
    )
    assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
    assert out == "4 codes issued; written to letters.csv and letters.pdf.\n"
    with (env / "letters.csv").open(encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == [
        "guardian_name",
        "guardian_email",
        "guardian_language",
        "children",
        "code",
        "deep_link",
        "expires",
    ]
    text = " ".join(page.extract_text() for page in PdfReader(env / "letters.pdf").pages)
    assert len(rows) == 4
    for row in rows:
        assert row["code"] in text and row["guardian_name"] in text  # the same codes
        assert row["guardian_email"].endswith(".example") or "@" in row["guardian_email"]


def test_unknown_group_names_the_known_groups(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    code, _, err = _run(
        capsys,
        *("staff-invite", "--school", "cbs-klimop", "--role", "teacher", "--name", "A"),
        *("--group", "9"),
    )
    assert code == 1
    assert _one_line(err) == (
        "privacyloket: error: unknown group(s) 9 at cbs-klimop (groups: 1, 2, 3, 4, 5, 6, 7, 8)"
    )
    code, _, err = _run(
        capsys, "invites", "--school", "cbs-klimop", "--group", "9", "--out", "x.pdf"
    )
    assert code == 1
    assert "group '9' is not a group of cbs-klimop (groups: 1, 2, 3, 4, 5, 6, 7, 8)" in _one_line(
        err
    )


def test_a_director_takes_no_group(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    code, out, err = _run(
        capsys,
        *("staff-invite", "--school", "cbs-klimop", "--role", "director", "--name", "J. de Vries"),
        *("--group", "3"),
    )
    assert code == 1 and out == ""
    assert _one_line(err) == (
        "privacyloket: error: groups apply to teachers only: a director sees the whole "
        "school; leave out --group"
    )


# -- check and health --------------------------------------------------------------------


def test_check_prints_the_settings_without_secrets_and_names_problems(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRIVACYLOKET_BOT_TOKEN", "123456:VERY-SECRET-TOKEN")
    code, out, _ = _run(capsys, "check")
    assert code == 1
    assert "VERY-SECRET-TOKEN" not in out
    assert "BOT_TOKEN              set (not shown)" in out
    assert "cbs-klimop             cbs Klimop" in out
    assert "privacyloket.db does not exist yet: run 'privacyloket init'" in out

    _run(capsys, "init")
    key = (env / "privacyloket.key").read_text().strip()
    code, out, _ = _run(capsys, "check")
    assert code == 0, out
    assert key not in out
    assert "the secret key matches" in out
    assert out.rstrip().endswith("Everything looks fine.")

    monkeypatch.setenv("PRIVACYLOKET_SECRET_KEY", "another-secret-" + "y" * 30)
    code, out, _ = _run(capsys, "check")
    assert code == 1
    assert "was set up with another secret key" in out


def test_check_names_a_misspelled_field_and_a_bad_time_zone_in_one_run(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = env / "school.toml"
    broken.write_text(
        SCHOOL_TOML.read_text(encoding="utf-8")
        .replace("administration_system =", "administraton_system =")
        .replace('timezone = "Europe/Amsterdam"', 'timezone = "Amsterdam"')
        .replace('slug = "cbs-klimop"', 'slug = "cbs klimop"'),
        encoding="utf-8",
    )
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(broken))
    code, out, _ = _run(capsys, "check")
    assert code == 1
    problems = out[out.index("problems:") :]
    assert f"{broken}: administraton_system: unknown field (misspelled?)" in problems
    assert f"{broken}: timezone: unknown time zone 'Amsterdam' (write it as Europe/Amsterdam)" in (
        problems
    )
    assert f"{broken}: slug: 'cbs klimop' is not allowed here: write 2 to 40 lower-case" in (
        problems
    )
    assert "should match pattern" not in out


async def test_health_follows_the_running_bot(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.running import heartbeat
    from bot.services import Services
    from tests.support import make_settings

    settings = make_settings(env)
    assert main(["health"]) == 1
    assert "unhealthy: the bot is not running" in capsys.readouterr().out
    services = await Services.start(settings)
    beat = asyncio.create_task(heartbeat(services, lambda: True))
    try:
        for _ in range(100):
            if settings.health_file.exists():
                break
            await asyncio.sleep(0.05)
    finally:
        beat.cancel()
        await services.close()
    os.environ["PRIVACYLOKET_DATABASE"] = str(settings.database)
    try:
        assert main(["health"]) == 0
        assert capsys.readouterr().out.startswith("healthy: polling, database writable")
        assert main(["health", "--max-age", "-1"]) == 1
    finally:
        del os.environ["PRIVACYLOKET_DATABASE"]


def test_a_full_disk_while_writing_letters_says_what_to_do(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("bot.schools.letters._write_private", full)
    code, out, err = _run(
        capsys, "invites", "--school", "cbs-klimop", "--group", "7", "--out", "letters.pdf"
    )
    assert code == 1 and out == ""
    assert _one_line(err) == (
        "privacyloket: error: letters.pdf: cannot write (No space left on device); the 4 "
        "codes just issued are in no file: free the space, then run again with --renew"
    )
    assert not (env / "letters.pdf").exists()
    code, out, err = _run(
        capsys,
        *("invites", "--school", "cbs-klimop", "--group", "8", "--renew"),
        *("--out", "letters.pdf", "--csv", "letters.csv"),
    )
    assert code == 1
    assert _one_line(err).endswith("codes just issued are only in letters.csv")
    assert (env / "letters.csv").exists() and not (env / "letters.pdf").exists()


def _terminal_stderr(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    """The command with its stderr on a terminal (a pseudo-terminal), as a person runs it."""
    import pty

    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environ["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
        timeout=60,
        check=False,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal is closed: everything was read
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return done.returncode, done.stdout, seen.decode()


def test_invites_print_no_log_lines_on_a_terminal_or_in_a_pipe(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "init")
    _run(capsys, "import-roster", str(ROSTER_CSV), "--school", "cbs-klimop")
    piped = _subprocess(
        env,
        "invites",
        "--school",
        "cbs-klimop",
        "--out",
        "letters.pdf",
        "--csv",
        "letters.csv",
        PRIVACYLOKET_BOT_USERNAME="KlimopTestBot",
        PRIVACYLOKET_DATABASE=str(env / "privacyloket.db"),
        PRIVACYLOKET_KEY_FILE=str(env / "privacyloket.key"),
    )
    assert (piped.returncode, piped.stderr) == (0, "")
    assert piped.stdout == "15 codes issued; written to letters.csv and letters.pdf.\n"

    code, out, terminal = _terminal_stderr(
        env, "invites", "--school", "cbs-klimop", "--renew", "--out", "again.pdf"
    )
    assert code == 0 and out == "15 codes issued; written to again.pdf.\n"
    assert "Writing letters [" in terminal  # the progress bar, on its own
    assert "INFO" not in terminal and "invitation letters" not in terminal


def test_one_is_singular(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (env / "one.csv").write_text(
        "student_id,first_name,last_name,birth_date,group,guardian_id,guardian_name,"
        "guardian_email,guardian_language\nL1,Ayşe,Yılmaz,14-2-2020,3,O1,Fatma Yılmaz,,nl\n"
    )
    _run(capsys, "init")
    code, out, _ = _run(capsys, "import-roster", "one.csv", "--school", "cbs-klimop")
    assert code == 0 and out.splitlines()[0].endswith("; 1 guardian.")
    code, out, _ = _run(capsys, "invites", "--school", "cbs-klimop", "--out", "letters.pdf")
    assert code == 0 and out == "1 code issued; written to letters.pdf.\n"
