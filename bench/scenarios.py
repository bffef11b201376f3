"""What a benchmark does to a running bot through the fake Bot API, and what it measures."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from bench.population import Parent
from bot.emulator import FakeBotAPI, FakeUser, SentMessage

SENDS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"})
WAIT = 120.0


@dataclass(frozen=True, slots=True)
class Spread:
    median_ms: float
    p90_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Spread:
        ordered = sorted(seconds)
        p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
        return cls(statistics.median(ordered) * 1000, p90 * 1000)


PAUSE = 1.0
"""Seconds between one person's messages in a latency measure: Telegram's pace per chat."""


async def round_trip(fake: FakeBotAPI, user: FakeUser, text: str) -> float:
    """Seconds from the parent's message to the bot's answer reaching Telegram."""
    before = len(fake.messages(user.id))
    start = time.monotonic()
    fake.send_text(user, text)
    await fake.wait_for(lambda: len(fake.messages(user.id)) > before, WAIT)
    return fake.messages(user.id)[before].sent_at - start


async def round_trips(fake: FakeBotAPI, user: FakeUser, text: str, samples: int) -> Spread:
    """One message at a time, a pause between them as a person makes (the pause keeps this a
    measure of latency: messages back to back would measure the bot's rate limit, which
    keeps to Telegram's pace of about one message a second in a chat)."""
    times = []
    for n in range(samples + 3):  # the first three warm up
        elapsed = await round_trip(fake, user, text)
        if n >= 3:
            times.append(elapsed)
        await asyncio.sleep(PAUSE)
    return Spread.of(times)


def _with_button(fake: FakeBotAPI, chat_id: int, button: str) -> SentMessage | None:
    for message in reversed(fake.messages(chat_id)):
        if button in message.button_texts:
            return message
    return None


async def onboard(fake: FakeBotAPI, user: FakeUser, parent: Parent) -> None:
    """/start with the letter's code, the child's date of birth, then the language."""
    before = len(fake.messages(user.id))
    fake.send_command(user, "start", parent.code)
    await fake.wait_for(lambda: len(fake.messages(user.id)) > before, WAIT)
    fake.send_text(user, parent.birth_date)
    await fake.wait_for(lambda: _with_button(fake, user.id, "Nederlands") is not None, WAIT)
    message = _with_button(fake, user.id, "Nederlands")
    assert message is not None
    fake.tap(user, message, "Nederlands")
    await fake.wait_for(lambda: message.edits > 0, WAIT)


def peak_per_second(fake: FakeBotAPI, since: float) -> int:
    """The most messages sent or edited within any one second (arrival at the API)."""
    times = sorted(c.time for c in fake.calls if c.method in SENDS and c.time >= since)
    best, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def refused(fake: FakeBotAPI, since: float) -> int:
    """Calls Telegram would have refused, 429s included."""
    return sum(
        1
        for c in fake.calls
        if c.time >= since and c.status not in (0, 200) and c.fault not in ("conflict",)
    )


def first_lines(messages: list[SentMessage]) -> list[str]:
    return [m.text.split("\n", 1)[0] for m in messages]
