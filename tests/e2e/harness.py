"""Drives the real Application against the fake Bot API, the way people use the bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.emulator import FakeBotAPI, FakeUser, SentMessage
from bot.jobs import scheduled
from bot.jobs.dispatcher import Dispatcher
from bot.runtime import running
from bot.services import Services
from bot.settings import Settings
from handlers.context import BotApplication
from tests.support import FakeClock


@dataclass(frozen=True)
class Seen:
    """What a person saw after one action: new messages and edited ones, in order."""

    messages: list[SentMessage]

    @property
    def text(self) -> str:
        return "\n---\n".join(m.text for m in self.messages)

    @property
    def last(self) -> SentMessage:
        return self.messages[-1]

    @property
    def buttons(self) -> list[str]:
        return [b for m in self.messages for b in m.button_texts]


class Harness:
    def __init__(
        self, fake: FakeBotAPI, settings: Settings, clock: FakeClock, *, rate_limit: bool = False
    ) -> None:
        self.fake = fake
        self.rate_limit = rate_limit
        self.settings = settings
        self.clock = clock
        self.services: Services | None = None
        self.app: BotApplication | None = None
        self.dispatcher: Dispatcher | None = None
        self._running = contextlib.AsyncExitStack()
        self._done: Counter[int] = Counter()
        self.guardian_codes: dict[str, str] = {}
        """Codes issued in this test, by guardian name (see helpers.guardian_code)."""
        self._changed = asyncio.Event()

    def _on_done(self, update_id: int) -> None:
        self._done[update_id] += 1
        self._changed.set()

    async def start(self) -> None:
        self.services = await Services.start(self.settings, self.clock)
        # Scheduled work runs when a test says so (run_scheduled), at the moment it chose.
        self._running = contextlib.AsyncExitStack()
        bot = await self._running.enter_async_context(
            running(
                self.services,
                on_update_done=self._on_done,
                rate_limit=self.rate_limit,
                schedule=False,
                poll_timeout=1,
            )
        )
        self.app = bot.application
        self.dispatcher = bot.dispatcher

    async def stop(self) -> None:
        if self.app is not None:
            self.app = None
            await self._running.aclose()
        if self.services is not None:
            await self.services.close()
            self.services = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def s(self) -> Services:
        assert self.services is not None
        return self.services

    async def run(self, user: FakeUser, inject: Callable[[], int]) -> Seen:
        """Inject one update, wait until the bot has handled it, return what changed."""
        before = {m.message_id: (m.text, m.edits) for m in self.fake.messages(user.id)}
        done_before = dict(self._done)
        update_id = inject()
        await self.wait_processed(update_id, done_before.get(update_id, 0))
        return Seen(
            [
                m
                for m in self.fake.messages(user.id)
                if before.get(m.message_id) != (m.text, m.edits) and not m.deleted
            ]
        )

    async def deliver_outbox(self) -> int:
        """Run the outbox dispatcher now (it also runs on its own every few seconds)."""
        assert self.dispatcher is not None
        return await self.dispatcher.run_once()

    async def run_scheduled(self) -> int:
        """What the scheduled job does when it wakes: queue what is due, then deliver it."""
        s = self.s
        queued = await scheduled.run_due(s.db, s.keys, s.cipher, self.clock, s.school_by_id)
        await self.deliver_outbox()
        return queued

    def manual_outbox(self) -> None:
        """From now on the outbox runs only when the test calls deliver_outbox()."""
        assert self.app is not None and self.app.job_queue is not None
        for job in self.app.job_queue.get_jobs_by_name("outbox"):
            job.schedule_removal()
        self.s.outbox_bell.listen(None)

    def times_processed(self, update_id: int) -> int:
        return self._done[update_id]

    async def wait_processed(self, update_id: int, already: int = 0) -> None:
        """Until the bot has handled (or skipped) the update once more than ``already``."""
        async with asyncio.timeout(10):
            while self._done[update_id] <= already:
                self._changed.clear()
                await self._changed.wait()

    def person(
        self, user_id: int, first_name: str = "Test", language: str | None = "nl"
    ) -> Person:
        return Person(self, FakeUser(user_id, first_name=first_name, language_code=language))


class Person:
    def __init__(self, harness: Harness, user: FakeUser) -> None:
        self.h = harness
        self.user = user

    @property
    def id(self) -> int:
        return self.user.id

    async def send(self, text: str) -> Seen:
        return await self.h.run(self.user, lambda: self.h.fake.send_text(self.user, text))

    async def tap(self, button: str, message: SentMessage | None = None) -> Seen:
        target = message or self.last_with_buttons()
        return await self.h.run(self.user, lambda: self.h.fake.tap(self.user, target, button)[0])

    async def tap_data(self, data: str, message: SentMessage | None = None) -> Seen:
        target = message or self.h.fake.last_message(self.user.id)
        return await self.h.run(
            self.user, lambda: self.h.fake.tap(self.user, target, data=data)[0]
        )

    async def do(self, inject: Callable[[FakeUser], int]) -> Seen:
        return await self.h.run(self.user, lambda: inject(self.user))

    def last_with_buttons(self) -> SentMessage:
        for message in reversed(self.h.fake.messages(self.user.id)):
            if message.button_texts and not message.deleted:
                return message
        raise LookupError("no message with buttons")

    @property
    def messages(self) -> list[SentMessage]:
        return self.h.fake.messages(self.user.id)

    def transcript(self) -> str:
        return self.h.fake.transcript(self.user.id)


def transcript_dir() -> Path | None:
    import os

    value = os.environ.get("TRANSCRIPT_DIR")
    return Path(value) if value else None
