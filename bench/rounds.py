"""How fast consent rounds are: ``python -m bench.rounds [--quick]``.

A school of 10,000 children, each with a guardian who uses the bot, in 320 groups:

- Start: a round for those 10,000 guardians, queued (goal: at most 5 s);
- the round's screen and a teacher's consent list with its response line, once 40% have
  answered (goal: at most 50 ms each, the median of several runs);
- delivery: the real bot process (``python -m bot run``) against the Bot API emulator
  sends the questions; the rate it reaches against the 28 messages a second it allows
  itself (goal: at least 0.95 of it), refused calls (goal: 0), and a parent's reply while
  the questions drain (goal: under 1 s).

Speed is measured here, never asserted in the tests. ``--quick`` is a smaller smoke run.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.population import HEADER, settings
from bench.process import BotProcess, bot_env
from bench.scenarios import peak_per_second, refused, round_trip
from bot.clock import SystemClock
from bot.domain.consent_lists import ConsentLists
from bot.domain.rounds.model import Audience, RoundDraft
from bot.domain.staff_base import StaffActor
from bot.emulator import FakeBotAPI, FakeUser
from bot.schools.invitations import issue_staff_code
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage import staff

RATE = 28.0
GROUPS = 320
DIRECTOR, TEACHER = 9_000_001, 9_000_002


def _roster(children: int) -> bytes:
    lines = [HEADER]
    for n in range(children):
        group = f"{1 + n % 8}-{1 + (n // 8) % (GROUPS // 8)}"
        born = f"2018-{1 + n % 12:02d}-{1 + n % 28:02d}"
        lines.append(
            f"B{n:05d},Kind,Nummer {n:05d},{born},{group},G{n:05d},Ouder {n:05d},"
            f"ouder{n}@mail.example,nl"
        )
    return "\n".join(lines).encode()


def _link(database: Path, first_user: int) -> None:
    """Every guardian uses the bot (written directly, as if each had redeemed a code)."""
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    with sqlite3.connect(database) as conn:
        guardians = [r[0] for r in conn.execute("SELECT id FROM guardians ORDER BY id")]
        for n, guardian_id in enumerate(guardians):
            user = first_user + n
            conn.execute(
                "INSERT INTO accounts (telegram_user_id, chat_id, language, created_at) "
                "VALUES (?, ?, 'nl', ?)",
                (user, user, at),
            )
            invitation = conn.execute(
                "INSERT INTO invitations (school_id, code_mac, guardian_id, created_at, "
                "expires_at, used_at) VALUES (1, ?, ?, ?, ?, ?)",
                (f"bench-{n}", guardian_id, at, at, at),
            ).lastrowid
            conn.execute(
                "INSERT INTO account_links (telegram_user_id, school_id, guardian_id, "
                "invitation_id, linked_at) VALUES (?, 1, ?, ?, ?)",
                (user, guardian_id, invitation, at),
            )


def _link_staff(database: Path, staff_id: int, user: int) -> None:
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    with sqlite3.connect(database) as conn:
        conn.execute(
            "INSERT INTO accounts (telegram_user_id, chat_id, language, created_at) "
            "VALUES (?, ?, 'nl', ?)",
            (user, user, at),
        )
        invitation = conn.execute(
            "INSERT INTO invitations (school_id, code_mac, staff_id, created_at, expires_at, "
            "used_at) VALUES (1, ?, ?, ?, ?, ?)",
            (f"bench-staff-{user}", staff_id, at, at, at),
        ).lastrowid
        conn.execute(
            "INSERT INTO account_links (telegram_user_id, school_id, staff_id, invitation_id, "
            "linked_at) VALUES (?, 1, ?, ?, ?)",
            (user, staff_id, invitation, at),
        )


def _answer(database: Path, round_id: int, share: float) -> int:
    """Let ``share`` of the guardians answer (written directly: yes, no, or one open)."""
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    with sqlite3.connect(database) as conn:
        requests = conn.execute(
            "SELECT id, student_id, guardian_id FROM consent_round_requests WHERE round_id = ?",
            (round_id,),
        ).fetchall()
        answered = requests[: int(len(requests) * share)]
        for n, (request, student, guardian) in enumerate(answered):
            for k, purpose in enumerate(("website", "newsletter")):
                if (n + k) % 5 == 4:
                    continue
                conn.execute(
                    "INSERT INTO consent_ledger (school_id, student_id, guardian_id, purpose, "
                    "granted, at, source, round_id) VALUES (1, ?, ?, ?, ?, ?, 'round', ?)",
                    (student, guardian, purpose, int((n + k) % 3 != 0), at, round_id),
                )
            conn.execute(
                "UPDATE consent_round_requests SET answered_at = ?, answered_via = 'round' "
                "WHERE id = ?",
                (at, request),
            )
    return len(answered)


async def _median_ms(run: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def _prepare(folder: Path, children: int) -> tuple[Path, float, int, int]:
    """The school, and a round started for every guardian: (database, seconds Start took,
    the round's id, the teacher's staff id)."""
    database = folder / "bench.db"
    clock = SystemClock()
    services = await Services.start(settings(str(database), database.parent), clock)
    try:
        school = services.school("cbs-klimop")
        rows = parse_roster(_roster(children), clock.now().date())
        print(f"importing {children:,} children", flush=True)
        await import_roster(services.db, services.keys, clock, school, rows)
        director = await issue_staff_code(
            services.db,
            services.keys,
            clock,
            school,
            name="Directeur",
            role="director",
            groups=[],
            days=7,
        )
        teacher = await issue_staff_code(
            services.db,
            services.keys,
            clock,
            school,
            name="Leerkracht",
            role="teacher",
            groups=["3-1"],
            days=7,
        )
        director_id = (await staff.find_by_name(services.db.reader, 1, director.name))[0].id
        teacher_id = (await staff.find_by_name(services.db.reader, 1, teacher.name))[0].id
    finally:
        await services.close()
    _link(database, 1_000_000)
    _link_staff(database, director_id, DIRECTOR)
    _link_staff(database, teacher_id, TEACHER)

    services = await Services.start(settings(str(database), database.parent), clock)
    try:
        today = clock.now().astimezone(services.school("cbs-klimop").tz).date()
        draft = RoundDraft(
            (1,), ("website", "newsletter"), Audience.EVERYONE, today + timedelta(14)
        )
        print(f"starting a round for {children:,} guardians", flush=True)
        started = time.perf_counter()
        [round_] = await services.rounds.start(
            StaffActor(DIRECTOR), draft, idempotency_key="bench"
        )
        took = time.perf_counter() - started
    finally:
        await services.close()
    return database, took, round_.id, teacher_id


async def _screens(
    database: Path, round_id: int, teacher_id: int, runs: int
) -> tuple[float, float, int]:
    """(round screen ms, teacher's list ms, children in the teacher's group)."""
    services = await Services.start(settings(str(database), database.parent), SystemClock())
    try:
        boss = StaffActor(DIRECTOR)
        view_ms = await _median_ms(lambda: services.round_views.view(boss, round_id), runs)
        lists = ConsentLists(services.db, services.keys, services.clock, services.school_by_id)
        member = next(
            m for m in [await staff.get(services.db.reader, s) for s in (2,)] if m is not None
        )
        [group] = await lists.groups([member])

        async def teachers_list() -> int:
            table = await lists.table(TEACHER, [member], group.id)
            assert table.responses  # the response line of the open round
            return len(table.pupils)

        list_ms = await _median_ms(teachers_list, runs)
        pupils = await teachers_list()
    finally:
        await services.close()
    return view_ms, list_ms, pupils


async def _deliver(
    database: Path, folder: Path, measure: int
) -> tuple[float, int, int, float, int]:
    """The real bot sends the questions: (messages a second over the first ``measure``,
    refused calls, the busiest second, a parent's reply time while they drain, the bot's
    peak memory in KiB)."""
    async with FakeBotAPI(bot_username="KlimopBenchBot") as fake:
        with sqlite3.connect(database) as conn:
            every = [
                r[0]
                for r in conn.execute(
                    "SELECT chat_id FROM outbox WHERE status = 'pending' ORDER BY id"
                )
            ]
        for chat in every:
            fake.add_chat(FakeUser(chat, first_name="Ouder", language_code="nl"))
        chats = every[:measure]
        parent = FakeUser(1_000_000 + 10**7, first_name="Ouder", language_code="nl")
        since = time.monotonic()
        bot = await BotProcess.start(
            ["-m", "bot", "run"], bot_env(str(database), folder, fake), fake, folder / "bot.log"
        )
        try:
            await fake.wait_for(lambda: sum(1 for c in chats if fake.messages(c)) >= 50, 120)
            reply = await round_trip(fake, parent, "/help")
            await fake.wait_for(lambda: all(fake.messages(c) for c in chats), 3600)
            _, peak_kib = bot.memory_kib()
        finally:
            await bot.stop()
        times = sorted(fake.messages(c)[0].sent_at for c in chats)
        rate = (len(times) - 1) / (times[-1] - times[0])
        return rate, refused(fake, since), peak_per_second(fake, since), reply, peak_kib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.rounds", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="1,000 children, 200 delivered")
    args = parser.parse_args(argv)
    children, measure, runs = (1_000, 200, 5) if args.quick else (10_000, 1_000, 9)
    with tempfile.TemporaryDirectory(prefix="privacyloket-rounds-") as tmp:
        folder = Path(tmp)
        database, took, round_id, teacher_id = asyncio.run(_prepare(folder, children))
        answered = _answer(database, round_id, 0.4)
        view_ms, list_ms, pupils = asyncio.run(_screens(database, round_id, teacher_id, runs))
        print(f"delivering the first {measure:,} questions through the bot", flush=True)
        rate, refused_calls, peak, reply, memory = asyncio.run(_deliver(database, folder, measure))
    rows = [
        (f"Start: a round for {children:,} guardians, queued", f"{took:.2f} s", "5 s", took / 5),
        (
            f"round screen, {children:,} children, {answered:,} answered",
            f"{view_ms:.1f} ms",
            "50 ms",
            view_ms / 50,
        ),
        (
            f"teacher's list with response line ({pupils} pupils of {children:,})",
            f"{list_ms:.1f} ms",
            "50 ms",
            list_ms / 50,
        ),
        (
            f"delivery of {measure:,} questions",
            f"{rate:.1f} msg/s",
            f"{RATE:.0f} msg/s",
            rate / RATE,
        ),
        ("  refused calls / busiest second", f"{refused_calls} / {peak}", "0 / 28", None),
        ("a parent's reply while questions drain", f"{reply * 1000:.0f} ms", "1000 ms", reply),
        (
            f"bot memory (peak RSS) with {children:,} guardians",
            f"{memory / 1024:.0f} MB",
            "150 MB",
            memory / 1024 / 150,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure'.ljust(width)} | figure       | reference | ratio")
    for what, figure, reference, ratio in rows:
        shown = f"{ratio:.2f}×" if ratio is not None else ""
        print(f"{what.ljust(width)} | {figure.ljust(12)} | {reference.ljust(9)} | {shown}")
    return 1 if refused_calls else 0


if __name__ == "__main__":
    raise SystemExit(main())
