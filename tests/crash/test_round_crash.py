"""A consent round killed at awkward points: starting it and sending its questions resume
after a crash, and no guardian is asked twice about a child in a round.

Starting is one unit of work: a process killed with SIGKILL while it starts a round for
many guardians leaves either nothing or the whole round, and Start with the same key
afterwards finishes the job once. Sending: the real bot process, killed while it sends the
questions (before Telegram took one, and after Telegram took one but before the bot heard
it), delivers every question after the restart, once; only the question Telegram had
taken when the answer never reached the bot may come twice (a time-out has the same
effect), as for every outbox message. An injected failure inside the job that asks
guardians who join later rolls back and is made up, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bench.population import HEADER
from bot.domain.rounds import questions
from bot.domain.rounds.model import Audience, RoundDraft
from bot.domain.staff_base import StaffActor
from bot.emulator import FakeBotAPI, FakeUser
from bot.jobs import rounds as round_jobs
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage.engines import sqlite_path
from tests.crash.rig import TOKEN, Rig, nth
from tests.domain_helpers import link_guardian, link_staff
from tests.support import ROSTER_CSV, SCHOOL_TOML, SECRET, FakeClock, make_settings

GUARDIANS = 1200
KEY = "start-after-crash"
START = f"""
import asyncio
import sys
from datetime import date
from bot.domain.rounds.model import Audience, RoundDraft
from bot.domain.staff_base import StaffActor
from bot.services import Services
from bot.settings import load_settings

async def main() -> None:
    services = await Services.start(load_settings())
    closes_on = date.fromisoformat(sys.argv[1])
    draft = RoundDraft((1,), ("website", "newsletter"), Audience.EVERYONE, closes_on)
    print("go", flush=True)
    await services.rounds.start(StaffActor(7002), draft, idempotency_key="{KEY}")
    await services.close()
    print("done", flush=True)

asyncio.run(main())
"""
ROOT = Path(__file__).resolve().parents[2]


def _roster(guardians: int) -> bytes:
    lines = [HEADER]
    for g in range(guardians):
        s = g // 2
        lines.append(
            f"B{s:05d},Kind,Nummer {s:05d},2018-0{1 + s % 9}-1{s % 9},{1 + s % 8},G{g:05d},"
            f"Ouder {g:05d},ouder{g}@mail.example,nl"
        )
    return "\n".join(lines).encode()


def _link_everyone(database: Path) -> None:
    """Every guardian uses the bot (written directly: linking 1,200 through onboarding
    would take longer than the test)."""
    with sqlite3.connect(database) as conn:
        guardians = [r[0] for r in conn.execute("SELECT id FROM guardians ORDER BY id")]
        at = "2026-11-02T08:00:00.000000+00:00"
        for n, guardian_id in enumerate(guardians):
            user = 100_000 + n
            conn.execute(
                "INSERT INTO accounts (telegram_user_id, chat_id, language, created_at) "
                "VALUES (?, ?, 'nl', ?)",
                (user, user, at),
            )
            invitation = conn.execute(
                "INSERT INTO invitations (school_id, code_mac, guardian_id, created_at, "
                "expires_at, used_at) VALUES (1, ?, ?, ?, ?, ?)",
                (f"mac-{n}", guardian_id, at, at, at),
            ).lastrowid
            conn.execute(
                "INSERT INTO account_links (telegram_user_id, school_id, guardian_id, "
                "invitation_id, linked_at) VALUES (?, 1, ?, ?, ?)",
                (user, guardian_id, invitation, at),
            )


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _state(database: Path) -> tuple[int, int, int, int]:
    """(rounds, requests, requests asked, question messages)."""
    return (
        _count(database, "SELECT COUNT(*) FROM consent_rounds"),
        _count(database, "SELECT COUNT(*) FROM consent_round_requests"),
        _count(database, "SELECT COUNT(*) FROM consent_round_requests WHERE asked_at IS NOT NULL"),
        _count(database, "SELECT COUNT(*) FROM outbox WHERE key LIKE 'round:%:q:%'"),
    )


@pytest.mark.parametrize("after_ms", [0, 100, 400, 1500])
async def test_a_start_killed_midway_is_all_or_nothing_and_resumes_once(
    tmp_path: Path, after_ms: int
) -> None:
    clock = FakeClock(datetime.now(UTC))  # the process that starts runs on the real clock
    closes_on = (clock.now() + timedelta(days=20)).date()
    settings = make_settings(tmp_path)
    services = await Services.start(settings, clock)
    try:
        school = services.school("cbs-klimop")
        rows = parse_roster(_roster(GUARDIANS), clock.now().date())
        await import_roster(services.db, services.keys, clock, school, rows)
        await link_staff(services, clock, "J. de Vries", "director", [], 7002)
    finally:
        await services.close()
    _link_everyone(sqlite_path(settings.database))

    env = {
        "PRIVACYLOKET_DATABASE": str(settings.database),
        "PRIVACYLOKET_SCHOOLS": str(SCHOOL_TOML),
        "PRIVACYLOKET_SECRET_KEY": SECRET,
        "PRIVACYLOKET_KEY_FILE": str(tmp_path / "test.key"),
        "PATH": "/usr/bin:/bin",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        START,
        closes_on.isoformat(),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert (await process.stdout.readline()).strip() == b"go"
    await asyncio.sleep(after_ms / 1000)
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    finished = (await process.stdout.read()).strip() == b"done"
    await process.wait()
    assert finished or process.returncode == -signal.SIGKILL
    killed = _state(sqlite_path(settings.database))
    if os.environ.get("CRASH_REPORT"):
        print(f"SIGKILL {after_ms} ms into Start: finished={finished}, left {killed}")
    assert killed in ((0, 0, 0, 0), (1, GUARDIANS, GUARDIANS, GUARDIANS)), killed

    resumed = await Services.start(settings, clock)
    try:
        draft = RoundDraft((1,), ("website", "newsletter"), Audience.EVERYONE, closes_on)
        [round_] = await resumed.rounds.start(StaffActor(7002), draft, idempotency_key=KEY)
        [again] = await resumed.rounds.start(StaffActor(7002), draft, idempotency_key=KEY)
        assert again.id == round_.id
    finally:
        await resumed.close()
    assert _state(sqlite_path(settings.database)) == (1, GUARDIANS, GUARDIANS, GUARDIANS)
    with sqlite3.connect(settings.database) as conn:
        per_chat = Counter(
            r[0] for r in conn.execute("SELECT chat_id FROM outbox WHERE key LIKE 'round:%'")
        )
    assert set(per_chat.values()) == {1}  # every guardian here has one child: one question


@pytest.mark.sqlite_only
async def test_an_interrupted_follow_up_is_made_up_once(
    school_services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = school_services
    await link_staff(s, clock, "J. de Vries", "director", [], 7002)
    await link_guardian(s, clock, "Marieke de Jong", 5001)
    draft = RoundDraft((1,), ("website",), Audience.EVERYONE, date(2026, 11, 16))
    [round_] = await s.rounds.start(StaffActor(7002), draft, idempotency_key="k")
    for name, user in (("Inge Mulder", 5004), ("Anouk Smit", 5005), ("Priya Sharma", 5003)):
        await link_guardian(s, clock, name, user)  # linked after Start: asked by the job
    original = questions.queue_question
    calls = 0

    async def fails_on_the_second(*args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk full")
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(questions, "queue_question", fails_on_the_second)
    with pytest.raises(OSError, match="disk full"):
        await round_jobs.run_due(s.db, s.keys, s.cipher, clock, s.school_by_id)
    assert (
        _count(
            sqlite_path(s.settings.database),
            "SELECT COUNT(*) FROM outbox WHERE key LIKE 'round:%:q:%'",
        )
        == 1
    )
    monkeypatch.setattr(questions, "queue_question", original)
    assert await round_jobs.run_due(s.db, s.keys, s.cipher, clock, s.school_by_id) == 4
    assert await round_jobs.run_due(s.db, s.keys, s.cipher, clock, s.school_by_id) == 0
    with sqlite3.connect(sqlite_path(s.settings.database)) as conn:
        keys = [r[0] for r in conn.execute("SELECT key FROM outbox WHERE key LIKE 'round:%'")]
    assert len(keys) == len(set(keys)) == 5
    assert round_.id == 1


async def test_sending_killed_midway_asks_nobody_twice(tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))  # the bot process runs on the real clock
    users = {5001: "Marieke de Jong", 5002: "James Whitfield", 5003: "Priya Sharma"}
    users |= {5004: "Inge Mulder", 5005: "Anouk Smit", 5006: "Jelle Hoekstra"}
    async with FakeBotAPI(bot_username="KlimopTestBot") as fake:
        rig = Rig(fake, tmp_path)
        settings = make_settings(tmp_path, bot_token=TOKEN, api_base_url=fake.api_root)
        services = await Services.start(settings, clock)
        try:
            school = services.school("cbs-klimop")
            roster = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
            await import_roster(services.db, services.keys, clock, school, roster)
            await link_staff(services, clock, "J. de Vries", "director", [], 7002)
            for user, name in users.items():
                await link_guardian(services, clock, name, user)
            today = clock.now().astimezone(school.tz).date()
            draft = RoundDraft((1,), ("website",), Audience.EVERYONE, today + timedelta(days=30))
            await services.rounds.start(StaffActor(7002), draft, idempotency_key="k")
        finally:
            await services.close()
        queued = _count(sqlite_path(settings.database), "SELECT COUNT(*) FROM outbox")
        assert queued == 7  # Priya: Arjun and Meera
        for user, name in users.items():
            fake.add_chat(FakeUser(user, name.split()[0]))
        rig.kill_when(nth("sendMessage", 2, "after"))  # Telegram has it; the bot never hears
        await rig.start()
        await rig.crash_and_restart()
        rig.kill_when(nth("sendMessage", 2, "before"))  # killed before Telegram took one
        await rig.crash_and_restart()
        try:
            await rig.settled()
        finally:
            await rig.stop()
        received = Counter(
            (chat, m.text.split("\n")[1])
            for chat in users
            for m in fake.messages(chat)
            if "vraagt om uw toestemming" in m.text
        )
    assert len(received) == queued  # every question arrived
    twice = [key for key, n in received.items() if n > 1]
    assert len(twice) <= 1  # only the one Telegram took as the bot was killed
    assert (
        _count(
            sqlite_path(settings.database), "SELECT COUNT(*) FROM outbox WHERE status != 'sent'"
        )
        == 0
    )
