"""``python -m bench [--quick] [--postgresql URL]``: the real bot process against the fake
Bot API, side by side with a minimal PTB echo bot, printed as a table of figures and ratios:
a column for the bot polling on SQLite (one process), and with ``--postgresql`` (a server
where the bench may create a database of its own) a column for the bot in webhook mode on
PostgreSQL (one worker).

(a) round trip of one parent's message at 0 and 50 ms API latency, against the echo bot;
(b) parents onboarding at once, then three messages each in a burst, against Telegram's
    ~30 messages a second, in order within every chat and with no refused call;
(c) a parent's reply while notices wait in the outbox;
(d) staff queue and digest queries on many cases, and the bot's memory with many guardians.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import population, queries
from bench.database import bench_database
from bench.process import TOKEN, BotProcess, bot_env
from bench.scenarios import (
    Spread,
    first_lines,
    onboard,
    peak_per_second,
    refused,
    round_trip,
    round_trips,
)
from bot.emulator import FakeBotAPI, FakeUser

TELEGRAM_RATE = 30.0
LATENCIES = (0.0, 0.05)


@dataclass(frozen=True)
class Size:
    parents: int
    guardians: int
    cases: int
    notices: int
    samples: int


FULL = Size(parents=200, guardians=10_000, cases=100_000, notices=1_000, samples=40)
QUICK = Size(parents=20, guardians=100, cases=2_000, notices=100, samples=10)


@dataclass(frozen=True)
class Mode:
    """One column: how the bot runs."""

    name: str
    server: str | None = None
    """A PostgreSQL server to make the database on; None: a SQLite file."""

    @property
    def webhook(self) -> bool:
        return self.server is not None


class Table:
    def __init__(self) -> None:
        self.columns: dict[str, list[tuple[str, str, str, str, str]]] = {}
        self._current: list[tuple[str, str, str, str, str]] = []
        self.problems: list[str] = []
        """What the smoke run fails on: disorder and refused calls (speed never fails it)."""

    def column(self, name: str) -> None:
        self._current = self.columns.setdefault(name, [])
        self._name = name

    def require(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(f"{self._name}: {problem}")

    def add(self, what: str, figure: str, reference: str, ratio: str, goal: str) -> None:
        self._current.append((what, figure, reference, ratio, goal))
        print(f"  {what}: {figure}", flush=True)

    def render(self) -> str:
        names = list(self.columns)
        first = self.columns[names[0]]
        header = ["measure"]
        for name in names:
            header += [name, "ratio"]
        header += ["reference", "goal"]
        rows = [header]
        for i, (what, _figure, reference, _ratio, goal) in enumerate(first):
            row = [what]
            for name in names:
                cells = self.columns[name]
                figure, ratio = (cells[i][1], cells[i][3]) if i < len(cells) else ("-", "")
                row += [figure, ratio]
            rows.append([*row, reference, goal])
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join(lines)


async def _echo_round_trips(samples: int, folder: Path) -> dict[float, Spread]:
    results = {}
    async with FakeBotAPI(TOKEN) as fake:
        env = {"ECHO_TOKEN": fake.token, "ECHO_API": fake.api_root, "PATH": "/usr/bin:/bin"}
        echo = await BotProcess.start(["-m", "bench.echo_bot"], env, fake, folder / "echo.log")
        try:
            user = FakeUser(900, first_name="Echo", language_code="nl")
            for latency in LATENCIES:
                fake.latency = latency
                results[latency] = await round_trips(fake, user, "hello", samples)
        finally:
            await echo.stop()
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}×" if reference else "-"


async def _run(size: Size, folder: Path, table: Table, modes: list[Mode]) -> None:
    print("(a) reference: a minimal PTB echo bot", flush=True)
    echo = await _echo_round_trips(size.samples, folder)
    for mode in modes:
        print(f"== {mode.name}", flush=True)
        table.column(mode.name)
        place = folder / mode.name.replace(" ", "").replace("+", "-")
        place.mkdir()
        with bench_database(place, mode.server) as database:
            await _run_mode(size, place, database, mode, echo, table)


async def _run_mode(
    size: Size,
    folder: Path,
    database: str,
    mode: Mode,
    echo: dict[float, Spread],
    table: Table,
) -> None:
    print(f"setting up {size.guardians} guardians and {size.cases} cases", flush=True)
    parents = await population.prepare(database, folder, size.guardians)
    population.insert_cases(database, size.cases)

    async with FakeBotAPI(TOKEN, bot_username="KlimopBenchBot") as fake:
        port = _free_port() if mode.webhook else None
        bot = await BotProcess.start(
            ["-m", "bot", "run"], bot_env(database, folder, fake, port), fake, folder / "bot.log"
        )
        try:
            await _interactive(size, fake, parents, echo, table)
            await _notices(size, database, folder, fake, table)
            rss, peak = bot.memory_kib()
        finally:
            await bot.stop()
    log = (folder / "bot.log").read_text(errors="replace").splitlines()
    errors = [line for line in log if " ERROR " in line or "Traceback" in line]
    warnings = [line for line in log if " WARNING " in line]
    table.require(not errors, f"the bot logged errors: {errors[:3]}")
    table.add("bot log: warnings / errors", f"{len(warnings)} / {len(errors)}", "", "", "0 errors")
    table.add(
        f"bot memory with {size.guardians:,} guardians (RSS, peak)",
        f"{rss / 1024:.0f} MB, peak {peak / 1024:.0f} MB",
        "150 MB",
        _ratio(peak, 150 * 1024),
        "≤ 1×",
    )
    print(f"(d) queries on {size.cases:,} cases", flush=True)
    for name, (ms, rows) in queries.time_queries(database).items():
        table.add(f"query: {name} ({rows} rows)", f"{ms:.1f} ms", "50 ms", _ratio(ms, 50), "≤ 1×")
    for name, (ms, amount) in (await queries.time_product(database, folder)).items():
        table.add(f"bot: {name}: {amount}", f"{ms:.1f} ms", "50 ms", _ratio(ms, 50), "≤ 1×")


async def _interactive(
    size: Size,
    fake: FakeBotAPI,
    parents: list[population.Parent],
    echo: dict[float, Spread],
    table: Table,
) -> None:
    print("(a) round trips of one parent's message", flush=True)
    first = FakeUser(100_000, first_name="Ouder", language_code="nl")
    await onboard(fake, first, parents[0])
    for latency in LATENCIES:
        fake.latency = latency
        bot = await round_trips(fake, first, "/menu", size.samples)
        ref = echo[latency]
        label = f"round trip at {latency * 1000:.0f} ms API latency"
        table.add(
            f"{label}, median",
            f"{bot.median_ms:.1f} ms",
            f"echo {ref.median_ms:.1f} ms",
            _ratio(bot.median_ms, ref.median_ms),
            "≤ 1.5×",
        )
        table.add(
            f"{label}, p90",
            f"{bot.p90_ms:.1f} ms",
            f"echo {ref.p90_ms:.1f} ms",
            _ratio(bot.p90_ms, ref.p90_ms),
            "≤ 2×",
        )
    fake.latency = 0

    # What each command answers, one at a time, to check the burst's order against.
    commands = ("/menu", "/help", "/privacy")
    expected: list[str] = []
    for command in commands:
        before = len(fake.messages(first.id))
        await round_trip(fake, first, command)
        await asyncio.sleep(0.3)  # an answer may come in several messages
        expected += first_lines(fake.messages(first.id)[before:])

    n = size.parents
    print(f"(b) {n} parents onboarding at once", flush=True)
    users = [FakeUser(100_001 + i, first_name="Ouder", language_code="nl") for i in range(n)]
    since = time.monotonic()
    await asyncio.gather(*(onboard(fake, u, p) for u, p in zip(users, parents[1:], strict=False)))
    took = time.monotonic() - since
    sends = sum(1 for c in fake.calls if c.time >= since and c.method == "sendMessage")
    table.add(
        f"{n} parents onboarding at once (3 steps each)",
        f"{took:.1f} s, {(sends + n) / took:.1f} msg/s",
        f"{TELEGRAM_RATE:.0f} msg/s",
        _ratio((sends + n) / took, TELEGRAM_RATE),
        "≈ 1×, 0 refused",
    )
    table.require(refused(fake, since) == 0, "a call was refused while parents onboarded")
    table.add(
        "  refused calls / peak messages in one second",
        f"{refused(fake, since)} / {peak_per_second(fake, since)}",
        "0 / 30",
        "",
        "",
    )

    print(f"(b) {n} × {len(commands)} messages in a burst", flush=True)
    seen = {u.id: len(fake.messages(u.id)) for u in users}
    since = time.monotonic()
    for user in users:
        for command in commands:
            fake.send_text(user, command)
    await fake.wait_for(
        lambda: all(len(fake.messages(u.id)) - seen[u.id] >= len(expected) for u in users),
        600,
    )
    last = max(m.sent_at for u in users for m in fake.messages(u.id)[seen[u.id] :])
    rate = n * len(expected) / (last - since)
    in_order = all(first_lines(fake.messages(u.id)[seen[u.id] :]) == expected for u in users)
    table.add(
        f"{n} × {len(commands)} messages in a burst",
        f"{last - since:.1f} s, {rate:.1f} msg/s",
        f"{TELEGRAM_RATE:.0f} msg/s",
        _ratio(rate, TELEGRAM_RATE),
        "≈ 1×",
    )
    table.require(in_order, "answers in a chat came out of order")
    table.require(refused(fake, since) == 0, "a call was refused during the burst")
    table.add(
        "  in order in every chat / refused / peak in one second",
        f"{'yes' if in_order else 'NO'} / {refused(fake, since)} / {peak_per_second(fake, since)}",
        "yes / 0 / 30",
        "",
        "",
    )


async def _notices(
    size: Size, database: str, folder: Path, fake: FakeBotAPI, table: Table
) -> None:
    n = size.notices
    print(f"(c) a parent's reply while {n} notices wait", flush=True)
    chats = [200_000 + i for i in range(n)]
    for chat in chats:
        fake.add_chat(FakeUser(chat, first_name="Staf", language_code="nl"))
    since = time.monotonic()
    await population.queue_notices(database, folder, chats)

    def delivered() -> int:
        return sum(1 for c in chats if fake.messages(c))

    await fake.wait_for(lambda: delivered() >= min(20, n), 60)
    parent = FakeUser(100_000, first_name="Ouder", language_code="nl")
    waiting = n - delivered()
    reply = await round_trip(fake, parent, "/menu")
    await fake.wait_for(lambda: delivered() == n, 600)
    times = sorted(fake.messages(c)[0].sent_at for c in chats)
    rate = (n - 1) / (times[-1] - times[0])
    table.add(
        f"parent's reply while {waiting} notices wait",
        f"{reply * 1000:.0f} ms",
        "1000 ms",
        _ratio(reply, 1.0),
        "≤ 1×",
    )
    table.add(
        f"{n} notices delivered",
        f"{rate:.1f} msg/s",
        f"{TELEGRAM_RATE:.0f} msg/s",
        _ratio(rate, TELEGRAM_RATE),
        "< 1×, 0 refused",
    )
    table.require(refused(fake, since) == 0, "a call was refused while notices went out")
    table.add(
        "  refused (429 included) / peak in one second",
        f"{refused(fake, since)} / {peak_per_second(fake, since)}",
        "0 / 30",
        "",
        "",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 20-chat smoke run (CI)")
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        help="also run the bot in webhook mode on a database it creates on this PostgreSQL "
        "server (postgresql://user@host:port/postgres)",
    )
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    modes = [Mode("polling + SQLite")]
    if args.postgresql:
        modes.append(Mode("webhook + PostgreSQL", args.postgresql))
    table = Table()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="privacyloket-bench-") as tmp:
        asyncio.run(_run(size, Path(tmp), table, modes))
    print()
    print(table.render())
    print(f"\n({'quick' if args.quick else 'full'} run, {time.monotonic() - started:.0f} s)")
    for problem in table.problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if table.problems else 0
