"""SIGKILL at awkward points: the real bot process (``python -m bot run``) against the fake
Bot API over HTTP, killed while it fetches, answers, confirms a request and sends notices,
then started again.

Kill points are chosen by counting the calls the fake server sees (the n-th getUpdates or
sendMessage, before it takes effect or after it took effect but before the bot hears the
answer), so every run kills at the same points. After each restart the test waits until
Telegram's queue and the bot's inbox are empty and the outbox is sent, then counts per
point the updates, cases and notices lost or duplicated. Nothing may be lost; a duplicate
is allowed only where Telegram accepted a message whose answer never reached the bot.
``CRASH_REPORT=file`` writes the table.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.emulator import FakeBotAPI, FakeUser, SentMessage
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from tests.crash.rig import TOKEN, Rig, nth
from tests.domain_helpers import link_guardian, link_staff
from tests.support import ROSTER_CSV, FakeClock, make_settings

PARENTS = {5001: "Marieke de Jong", 5002: "Inge Mulder", 5003: "Anouk Smit"}
TEACHER, DIRECTOR = 7001, 7002
# What each command's answer starts with (Dutch: the parents' language).
COMMANDS = [
    ("/help", "Met Privacyloket regelt u"),
    ("/privacy", "Privacy bij"),
    ("/language", "In welke taal zal ik u schrijven?"),
    ("/frobnicate", "Deze opdracht ken ik niet."),
]


@dataclass
class Outcome:
    point: str
    updates: int = 0
    lost: int = 0
    duplicated: int = 0
    in_order: bool = True
    cases_expected: int = 0
    cases: int = 0
    notices_lost: int = 0
    notices_duplicated: int = 0
    refused_calls: list[str] = field(default_factory=list)

    def row(self) -> str:
        return (
            f"| {self.point} | {self.updates} | {self.lost} | {self.duplicated} | "
            f"{'yes' if self.in_order else 'NO'} | {self.cases - self.cases_expected:+d} "
            f"({self.cases}/{self.cases_expected}) | {self.notices_lost} | "
            f"{self.notices_duplicated} | {', '.join(self.refused_calls) or '-'} |"
        )


def _signature(message: SentMessage) -> str:
    return next((name for name, start in COMMANDS if message.text.startswith(start)), "?")


def _compare(expected: list[str], actual: list[str], outcome: Outcome) -> None:
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=expected, b=actual).get_opcodes():
        if op in ("delete", "replace"):
            outcome.lost += i2 - i1
        if op in ("insert", "replace"):
            outcome.duplicated += j2 - j1
    collapsed = [s for i, s in enumerate(actual) if i == 0 or actual[i - 1] != s]
    outcome.in_order = outcome.in_order and collapsed == expected


async def burst(rig: Rig, outcome: Outcome, arm: Callable[[], None]) -> None:
    """Three parents send four commands each at once; every one is answered once, in order."""
    fake = rig.fake
    marks = {p: len(fake.messages(p)) for p in PARENTS}
    expected: dict[int, list[str]] = {p: [] for p in PARENTS}
    arm()
    for round_ in range(4):
        for n, parent in enumerate(PARENTS):
            command, _ = COMMANDS[(round_ + n) % len(COMMANDS)]
            fake.send_text(FakeUser(parent, PARENTS[parent].split()[0]), command)
            expected[parent].append(command)
            outcome.updates += 1
    await rig.crash_and_restart()
    await rig.settled()
    for parent in PARENTS:
        actual = [_signature(m) for m in fake.messages(parent)[marks[parent] :]]
        _compare(expected[parent], actual, outcome)


async def request_flow(rig: Rig, outcome: Outcome, arm: Callable[[], None], at: str) -> None:
    """A correction up to "Send request"; the kill comes at ``at`` ("text" or "send")."""
    fake, parent = rig.fake, FakeUser(5002, "Inge")
    cases_before = rig.query("SELECT COUNT(*) FROM cases")
    alerts_before = _alerts(rig)
    await rig.act(lambda: fake.send_text(parent, "/menu"))
    await rig.act(lambda: fake.tap(parent, fake.last_message(parent.id), "Gegevens corrigeren"))
    first = fake.last_message(parent.id).button_texts[0]
    await rig.act(lambda: fake.tap(parent, fake.last_message(parent.id), first))
    outcome.updates += 3
    if at == "text":
        arm()
    summaries_before = len(
        [m for m in fake.messages(parent.id) if "Verzoek versturen" in m.button_texts]
    )
    fake.send_text(parent, "Het adres is Dorpsstraat 1")
    outcome.updates += 1
    if at == "text":
        await rig.crash_and_restart()
    await rig.settled()
    summaries = [m for m in fake.messages(parent.id) if "Verzoek versturen" in m.button_texts]
    outcome.duplicated += len(summaries) - summaries_before - 1
    summary = _last_with(fake, parent.id, "Verzoek versturen")
    send = next(d for row in summary.buttons for t, d in row if t == "Verzoek versturen")
    assert send is not None
    if at == "send":
        arm()
    fake.tap(parent, summary, "Verzoek versturen")
    outcome.updates += 1
    if at == "send":
        await rig.crash_and_restart()
    await rig.settled()
    # The confirm button works after the restart, and tapping it again changes nothing.
    confirmation = next(m for m in fake.messages(parent.id) if m.message_id == summary.message_id)
    if "Uw verzoek is verstuurd" not in confirmation.text:
        await rig.act(lambda: fake.tap(parent, summary, "Verzoek versturen"))
    await rig.act(lambda: fake.tap(parent, summary, data=send))
    confirmation = next(m for m in fake.messages(parent.id) if m.message_id == summary.message_id)
    assert "Uw verzoek is verstuurd" in confirmation.text
    outcome.cases_expected = 1
    outcome.cases = rig.query("SELECT COUNT(*) FROM cases") - cases_before
    _count_alerts(rig, alerts_before, outcome)


def _last_with(fake: FakeBotAPI, chat_id: int, button: str) -> SentMessage:
    return next(m for m in reversed(fake.messages(chat_id)) if button in m.button_texts)


def _alerts(rig: Rig) -> dict[tuple[int, int], str]:
    """Staff alerts sent so far, by (chat, message id): the request number each names."""
    return {
        (chat, m.message_id): m.text.split()[2].rstrip(":")
        for chat in (TEACHER, DIRECTOR)
        for m in rig.fake.messages(chat)
        if m.text.startswith("Nieuw verzoek")
    }


def _count_alerts(rig: Rig, before: dict[tuple[int, int], str], outcome: Outcome) -> None:
    """Each new case alerts one person (the teacher, or the director for a group without
    one) once."""
    numbers = [n for key, n in _alerts(rig).items() if key not in before]
    outcome.notices_lost += max(0, outcome.cases - len(set(numbers)))
    outcome.notices_duplicated += len(numbers) - len(set(numbers))


async def notices(rig: Rig, outcome: Outcome, arm: Callable[[], None]) -> None:
    """A dossier request; its alert to the teacher is being sent when the bot dies."""
    fake, parent = rig.fake, FakeUser(5001, "Marieke")
    cases_before = rig.query("SELECT COUNT(*) FROM cases")
    alerts_before = _alerts(rig)
    await rig.act(lambda: fake.send_text(parent, "/menu"))
    for button in ("Wat de school vastlegt", "Kopie van het dossier aanvragen", "In dit gesprek"):
        await rig.act(lambda b=button: fake.tap(parent, fake.last_message(parent.id), b))  # type: ignore[misc]
    arm()
    fake.tap(parent, fake.last_message(parent.id), "Verzoek versturen")
    outcome.updates += 5
    await rig.crash_and_restart()
    await rig.settled()
    outcome.cases_expected = 1
    outcome.cases = rig.query("SELECT COUNT(*) FROM cases") - cases_before
    _count_alerts(rig, alerts_before, outcome)


async def _setup(rig: Rig) -> None:
    clock = FakeClock(datetime.now(UTC))
    settings = make_settings(rig.tmp, bot_token=TOKEN, api_base_url=rig.fake.api_root)
    s = await Services.start(settings, clock)
    try:
        rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
        await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
        await link_staff(s, clock, "Anna de Wit", "teacher", ["3", "5"], TEACHER)
        await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
        for user_id, name in PARENTS.items():
            await link_guardian(s, clock, name, user_id)
    finally:
        await s.close()
    for user_id, name in [*PARENTS.items(), (TEACHER, "Anna"), (DIRECTOR, "Jolanda")]:
        rig.fake.add_chat(FakeUser(user_id, name.split()[0]))


Scenario = Callable[[Rig, Outcome], Awaitable[None]]


def _points(rig: Rig) -> list[tuple[str, Scenario]]:
    def arm(trigger: Callable[..., bool]) -> Callable[[], None]:
        return lambda: rig.kill_when(trigger)

    return [
        (
            "right after getUpdates returned a burst of 12",
            lambda r, o: burst(r, o, arm(nth("getUpdates", 1, "after"))),
        ),
        (
            "mid-burst, before the 5th answer took effect",
            lambda r, o: burst(r, o, arm(nth("sendMessage", 5, "before"))),
        ),
        (
            "mid-burst, 5th answer sent but its reply lost",
            lambda r, o: burst(r, o, arm(nth("sendMessage", 5, "after"))),
        ),
        (
            "request text typed, summary sent but reply lost",
            lambda r, o: request_flow(r, o, arm(nth("sendMessage", 1, "after")), "text"),
        ),
        (
            "Send tapped, before the confirmation was drawn",
            lambda r, o: request_flow(r, o, arm(nth("editMessageText", 1, "before")), "send"),
        ),
        (
            "Send tapped, confirmation drawn but reply lost",
            lambda r, o: request_flow(r, o, arm(nth("editMessageText", 1, "after")), "send"),
        ),
        (
            "Send tapped, before the answer to the tap",
            lambda r, o: request_flow(r, o, arm(nth("answerCallbackQuery", 1, "before")), "send"),
        ),
        (
            "staff alert being sent (before it took effect)",
            lambda r, o: notices(r, o, arm(nth("sendMessage", 1, "before", TEACHER))),
        ),
        (
            "staff alert sent but its reply lost",
            lambda r, o: notices(r, o, arm(nth("sendMessage", 1, "after", TEACHER))),
        ),
    ]


async def test_sigkill_at_awkward_points_loses_nothing(tmp_path: Path) -> None:
    async with FakeBotAPI(TOKEN, bot_username="KlimopTestBot") as fake:
        rig = Rig(fake, tmp_path)
        await _setup(rig)
        await rig.start()
        outcomes: list[Outcome] = []
        try:
            for point, scenario in _points(rig):
                outcome = Outcome(point)
                errors_before = len(fake.errors)
                await scenario(rig, outcome)
                outcome.refused_calls = sorted(
                    {f"{c.method}: {c.description}"[:60] for c in fake.errors[errors_before:]}
                )
                outcomes.append(outcome)
        finally:
            await rig.stop()
    table = [
        "| kill point | updates | lost | duplicated | in order | cases | notices lost "
        "| notices duplicated | refused calls after restart |",
        "|---|---|---|---|---|---|---|---|---|",
        *(o.row() for o in outcomes),
    ]
    report = os.environ.get("CRASH_REPORT")
    if report:
        Path(report).write_text("\n".join(table) + "\n", encoding="utf-8")  # noqa: ASYNC240
    print("\n".join(table))
    assert len(outcomes) == len(_points(rig))
    for o in outcomes:
        assert o.lost == 0 and o.notices_lost == 0 and o.in_order, o.row()
        assert o.cases == o.cases_expected, o.row()
