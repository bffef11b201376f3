"""Two real bot processes (``python -m bot run``) in webhook mode on one PostgreSQL
database, behind a load balancer that posts Telegram's updates to them in turn (the
emulator's ``webhook_targets``). Each worker calls the Bot API through a path of its own, so
every call says which worker made it.

One person's updates, posted alternately to both workers, are answered in order, with the
conversation state each step left (onboarding; a teacher's refusal in three steps). A burst
of commands while one worker is killed with SIGKILL: every update is answered, none twice
except a reply Telegram accepted from the killed worker whose answer never reached it (the
same window a single process has), and the other worker takes over the people and the
outbox the killed one held. ``KILL_REPORT=file`` writes the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import psycopg
import pytest

from bot.domain.model import Kind
from bot.emulator import ApiCall, FakeBotAPI, FakeUser
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from tests import engines
from tests.domain_helpers import link_guardian, link_staff, student_id
from tests.support import (
    ROSTER_CSV,
    SCHOOL_TOML,
    SECRET,
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
    FakeClock,
    free_port,
    make_settings,
)

pytestmark = pytest.mark.postgresql_only

TOKEN = "123456:TEST-TOKEN"
PARENTS = {5001: "Marieke de Jong", 5002: "Inge Mulder", 5003: "Anouk Smit"}
TEACHER = 7001
COMMANDS = [
    ("/help", "Met Privacyloket regelt u"),
    ("/privacy", "Privacy bij"),
    ("/language", "In welke taal zal ik u schrijven?"),
    ("/frobnicate", "Deze opdracht ken ik niet."),
]


@dataclass
class Worker:
    name: str
    port: int
    log: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"


@dataclass
class Cluster:
    fake: FakeBotAPI
    database: str
    tmp: Path
    workers: list[Worker] = field(default_factory=list)

    def env(self, worker: Worker) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYLOKET_")}
        env.update(
            PRIVACYLOKET_DATABASE=self.database,
            PRIVACYLOKET_SCHOOLS=str(SCHOOL_TOML),
            PRIVACYLOKET_SECRET_KEY=SECRET,
            PRIVACYLOKET_KEY_FILE=str(self.tmp / "test.key"),
            PRIVACYLOKET_AUDIT_ANCHOR_FILE=str(self.tmp / f"{worker.name}.anchor"),
            PRIVACYLOKET_BOT_TOKEN=TOKEN,
            PRIVACYLOKET_BOT_USERNAME="KlimopTestBot",
            PRIVACYLOKET_API_BASE_URL=f"{self.fake.api_root}/{worker.name}",
            PRIVACYLOKET_WEBHOOK_URL=worker.url,
            PRIVACYLOKET_WEBHOOK_SECRET=WEBHOOK_SECRET,
            PRIVACYLOKET_WEBHOOK_LISTEN=f"127.0.0.1:{worker.port}",
            PRIVACYLOKET_LOG_LEVEL="INFO",
        )
        return env

    async def start(self, worker: Worker) -> None:
        with worker.log.open("ab") as log:
            worker.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env=self.env(worker),
                cwd=self.tmp,
                stdout=log,
                stderr=log,
            )
        await self.fake.wait_for(
            lambda: any(c.client == worker.name for c in self.fake.calls_to("setWebhook")),
            60,
            message=f"{worker.name} did not start; see {worker.log}",
        )
        await _ready(worker)

    async def stop(self) -> None:
        for worker in self.workers:
            if worker.process is not None and worker.process.returncode is None:
                worker.process.send_signal(signal.SIGTERM)
                await worker.process.wait()

    def query(self, sql: str) -> int:
        with psycopg.connect(self.database) as conn:
            row = conn.execute(sql).fetchone()
        assert row is not None
        return int(row[0])

    async def settled(self) -> None:
        """Telegram's queue and the inbox are empty, the outbox is sent."""

        def done() -> bool:
            return (
                not self.fake.pending_updates()
                and self.query(
                    "SELECT COUNT(*) FROM inbox WHERE failed_at IS NULL AND handled_at IS NULL"
                )
                == 0
                and self.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == 0
            )

        await self.fake.wait_for(done, 60, message="the workers did not settle")
        assert self.query("SELECT COUNT(*) FROM inbox WHERE failed_at IS NOT NULL") == 0


async def _ready(worker: Worker) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{worker.port}/readyz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{worker.name} is not ready")


async def _prepare(database: str, tmp: Path) -> int:
    """The school with its roster, a teacher and three linked parents; a correction filed by
    Marieke (request 2026-0001 or so). Returns the case id."""
    clock = FakeClock(datetime.now(UTC))
    settings = make_settings(tmp, database=database)
    s = await Services.start(settings, clock)
    try:
        rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
        await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
        await link_staff(s, clock, "Anna de Wit", "teacher", ["3", "5"], TEACHER)
        actors = {uid: await link_guardian(s, clock, name, uid) for uid, name in PARENTS.items()}
        zoe = await student_id(s.db.reader, "L1001")
        case = await s.cases.submit(
            actors[5001],
            student_id=zoe,
            kind=Kind.RECTIFICATION,
            details={"category": "identity"},
            text="De achternaam is verkeerd gespeld.",
        )
        return case.id
    finally:
        await s.close()


@contextlib.asynccontextmanager
async def two_workers(tmp: Path) -> AsyncIterator[tuple[Cluster, int]]:
    database = engines.url_of(engines.new_database())
    case_id = await _prepare(database, tmp)
    async with FakeBotAPI(TOKEN, bot_username="KlimopTestBot") as fake:
        for user_id, name in [*PARENTS.items(), (TEACHER, "Anna"), (5010, "Fatima")]:
            fake.add_chat(FakeUser(user_id, name.split()[0]))
        cluster = Cluster(fake, database, tmp)
        cluster.workers = [Worker(name, free_port(), tmp / f"{name}.log") for name in ("w1", "w2")]
        try:
            for worker in cluster.workers:
                await cluster.start(worker)
            # The load balancer in front of the public URL: posts go to the workers in turn.
            fake.webhook_targets = [w.url for w in cluster.workers]
            await cluster.settled()  # the alert of the filed case goes out
            yield cluster, case_id
        finally:
            await cluster.stop()


async def _step(cluster: Cluster, user: FakeUser, send: str | None, tap: str | None) -> str:
    """One step by one person; the text the bot answers with (edits included)."""
    fake = cluster.fake
    before = {m.message_id: (m.text, m.edits) for m in fake.messages(user.id)}
    if send is not None:
        fake.send_text(user, send)
    else:
        assert tap is not None
        message = next(m for m in reversed(fake.messages(user.id)) if tap in m.button_texts)
        fake.tap(user, message, tap)
    await cluster.settled()
    return "\n".join(
        m.text
        for m in fake.messages(user.id)
        if before.get(m.message_id) != (m.text, m.edits) and not m.deleted
    )


def _targets(cluster: Cluster, chat_id: int) -> list[str]:
    """Which worker each of a person's updates was posted to (the last post of each)."""
    fake = cluster.fake
    last: dict[int, str] = {}
    for post in fake.webhook_posts:
        update = fake.update(post.update_id)
        sender = (update.get("message") or update.get("callback_query") or {}).get("from", {})
        if sender.get("id") == chat_id and post.status == 200:
            last[post.update_id] = post.url
    names = {w.url: w.name for w in cluster.workers}
    return [names[url] for _, url in sorted(last.items())]


async def test_one_persons_steps_alternate_between_the_workers_and_keep_their_state(
    tmp_path: Path,
) -> None:
    async with two_workers(tmp_path) as (cluster, case_id):
        fake = cluster.fake
        # A new parent's onboarding: the code, then the date of birth (the worker that gets
        # it must know which code it belongs to), then the language.
        fatima = FakeUser(5010, "Fatima", language_code="nl")
        code = await _guardian_code(cluster, "Fatima El Amrani")
        assert "geboortedatum" in await _step(cluster, fatima, f"/start {code}", None)
        assert "account is gekoppeld" in await _step(cluster, fatima, "26-01-2017", None)
        assert "Ik schrijf u voortaan" in await _step(cluster, fatima, None, "Nederlands")
        assert _targets(cluster, fatima.id) == ["w1", "w2", "w1"] or _targets(
            cluster, fatima.id
        ) == ["w2", "w1", "w2"]

        # The teacher refuses Marieke's correction in three steps, each on the other worker.
        anna = FakeUser(TEACHER, "Anna", language_code="nl")
        number = await _case_number(cluster, case_id)
        asked = await _step(cluster, anna, f"/reject {number}", None)
        assert "reden" in asked.lower()
        summary = await _step(cluster, anna, "Dit is geen feitelijke fout.", None)
        assert "Dit is geen feitelijke fout." in summary
        await _step(cluster, anna, None, "Bevestigen")
        steps = _targets(cluster, TEACHER)[-3:]
        assert steps[0] != steps[1] != steps[2]
        status = cluster.query(f"SELECT status = 'rejected' FROM cases WHERE id = {case_id}")
        assert status == 1
        refusal = fake.messages(5001)[-1].text
        assert "Dit is geen feitelijke fout." in refusal
        assert fake.errors == []


async def _guardian_code(cluster: Cluster, name: str) -> str:
    from bot.schools.invitations import issue_guardian_codes

    settings = make_settings(cluster.tmp / "codes", database=cluster.database)
    s = await Services.start(settings, FakeClock(datetime.now(UTC)))
    try:
        issued = await issue_guardian_codes(
            s.db, s.keys, s.clock, s.school("cbs-klimop"), days=30, renew=True
        )
    finally:
        await s.close()
    return next(i.code for i in issued if i.guardian_name == name)


async def _case_number(cluster: Cluster, case_id: int) -> str:
    year = cluster.query(f"SELECT year FROM cases WHERE id = {case_id}")
    seq = cluster.query(f"SELECT seq FROM cases WHERE id = {case_id}")
    return f"{year}-{seq:04d}"


@dataclass
class KillFigures:
    updates: int = 0
    answered_once: int = 0
    lost: int = 0
    duplicated: int = 0
    explained: int = 0
    in_order: bool = True
    posts_refused: int = 0
    taken_over: int = 0

    def lines(self) -> list[str]:
        return [
            "| updates | answered once | lost | duplicated | of which the killed worker's "
            "unconfirmed reply | in order | posts to the dead worker | answered by the other "
            "after the kill |",
            "|---|---|---|---|---|---|---|---|",
            f"| {self.updates} | {self.answered_once} | {self.lost} | {self.duplicated} | "
            f"{self.explained} | {'yes' if self.in_order else 'NO'} | {self.posts_refused} | "
            f"{self.taken_over} |",
        ]


async def _queue_notice(cluster: Cluster, chat_id: int, text: str) -> None:
    from bot import outbox

    settings = make_settings(cluster.tmp / "notice", database=cluster.database)
    s = await Services.start(settings, FakeClock(datetime.now(UTC)))
    try:
        async with s.db.transaction() as conn:
            await outbox.enqueue(
                conn, s.cipher, datetime.now(UTC), chat_id=chat_id, text=text, school_id=None
            )
    finally:
        await s.close()


def _report(figures: KillFigures) -> None:
    report = os.environ.get("KILL_REPORT")
    if report:
        Path(report).write_text("\n".join(figures.lines()) + "\n", encoding="utf-8")
    print("\n".join(figures.lines()))


def _signature(text: str) -> str:
    return next((name for name, start in COMMANDS if text.startswith(start)), "?")


async def test_a_burst_survives_a_worker_killed_with_sigkill(tmp_path: Path) -> None:
    async with two_workers(tmp_path) as (cluster, _case_id):
        fake = cluster.fake
        w1 = cluster.workers[0]
        killed = asyncio.Event()
        sends = 0

        async def kill_w1(call: ApiCall, phase: str) -> bool:
            """SIGKILL w1 when its 3rd reply was delivered, before it hears Telegram's answer."""
            nonlocal sends
            if call.client != "w1" or call.method != "sendMessage" or phase != "after":
                return False
            sends += 1
            if sends == 3 and w1.process is not None and not killed.is_set():
                w1.process.send_signal(signal.SIGKILL)
                killed.set()
            return False

        marks = {p: len(fake.messages(p)) for p in PARENTS}
        expected: dict[int, list[str]] = {p: [] for p in PARENTS}
        figures = KillFigures()
        fake.intercept = kill_w1

        def burst(round_: int) -> None:
            for n, parent in enumerate(PARENTS):
                command, _ = COMMANDS[(round_ + n) % len(COMMANDS)]
                fake.send_text(FakeUser(parent, PARENTS[parent].split()[0]), command)
                expected[parent].append(command)
                figures.updates += 1

        # Rounds of commands, one post to each worker in turn, until w1 is killed mid-way...
        for round_ in range(20):
            burst(round_)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2):
                    await killed.wait()
            if killed.is_set():
                break
        assert killed.is_set(), "w1 never sent three replies"
        assert w1.process is not None
        await w1.process.wait()
        killed_at = time.monotonic()
        # ...and four more rounds: the balancer still posts to the dead worker, in vain.
        for more in range(1, 5):
            burst(round_ + more)
        await cluster.settled()
        # A notice queued now goes out through the worker left (it takes the lead).
        await _queue_notice(cluster, TEACHER, "Bericht na de val van w1")
        await cluster.settled()
        notice = fake.messages(TEACHER)[-1]
        assert notice.text == "Bericht na de val van w1"

        sender = {
            (int(c.params["chat_id"]), int(c.result["message_id"])): c.client
            for c in fake.calls_to("sendMessage")
            if c.ok
        }
        for parent in PARENTS:
            replies = fake.messages(parent)[marks[parent] :]
            actual = [_signature(m.text) for m in replies]
            figures.lost += sum(
                max(0, expected[parent].count(c) - actual.count(c)) for c in set(expected[parent])
            )
            collapsed = [s for i, s in enumerate(actual) if i == 0 or actual[i - 1] != s]
            figures.in_order = figures.in_order and collapsed == expected[parent]
            figures.duplicated += len(actual) - len(expected[parent])
            # A duplicate is explained when its first copy was the killed worker's last reply
            # in that chat: Telegram delivered it, and w1 died before it heard so.
            from_w1 = [m for m in replies if sender.get((parent, m.message_id)) == "w1"]
            for i in range(1, len(replies)):
                if actual[i] == actual[i - 1] and from_w1 and replies[i - 1] is from_w1[-1]:
                    figures.explained += 1
        figures.posts_refused = sum(
            1 for p in fake.webhook_posts if p.url == w1.url and p.status is None
        )
        figures.taken_over = sum(
            1
            for c in fake.calls_to("sendMessage")
            if c.client == "w2" and c.time >= killed_at and c.ok
        )
        figures.answered_once = figures.updates - figures.lost - figures.duplicated
        _report(figures)

        assert figures.lost == 0
        assert figures.in_order
        assert figures.duplicated <= 1  # at most the one reply w1 never heard confirmed
        assert figures.duplicated == figures.explained
        assert figures.posts_refused > 0  # the balancer did post to the dead worker...
        # ...and the other worker carries on: the outbox too (it takes the lead if w1 had it).
        anna = FakeUser(TEACHER, "Anna", language_code="nl")
        seen = await _step(cluster, anna, "/queue", None)
        assert seen
        assert fake.errors == []
