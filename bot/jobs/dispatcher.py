"""The outbox's dispatcher: delivers the messages queued by bot.outbox, retried until
Telegram has them.

A dispatcher claims due rows with a lease in the database, so two dispatchers (two job runs,
or a second process by mistake) never send one row. On a database several workers share, one
worker sends: the one holding the ``LEADER`` lease (given ``leases``); when a worker takes
it, the claims of the one before (which died, or lost its connection) are taken back.
Network errors and 5xx are retried with backoff and jitter, 429 waits ``retry_after``, a
time-out is "maybe sent" (tried again only after a long delay: every text names its case
number, so a rare duplicate is recognisable), and 403 / "chat not found" mark the message
undeliverable, which a person is told of through
the ``on_undeliverable`` hook in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.outbox import Attachment, Button, Keyboard, attachment_of, button_of, keyboard_of
from bot.security import contexts
from bot.security.crypto import Cipher, DecryptionError
from storage import outbox
from storage.db import Connection, Database, Lease, to_db
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(minutes=10)
UNCERTAIN_RETRY = timedelta(minutes=10)
"""After a time-out Telegram may have the message: wait this long before sending it again."""
LEASE = timedelta(minutes=5)
"""How long a claim holds; a dispatcher that died with rows claimed frees them after this."""
LEADER = "leader"
"""The lease of the worker that sends the outbox and runs the scheduled jobs."""


@dataclass(frozen=True, slots=True)
class Sent:
    pass


@dataclass(frozen=True, slots=True)
class WaitAndRetry:
    """Telegram asked us to slow down (429)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class TryAgain:
    """A network error or a 5xx: worth another try later."""

    error: str


@dataclass(frozen=True, slots=True)
class MaybeSent:
    """The answer never came (time-out): Telegram may have delivered the message."""

    error: str


@dataclass(frozen=True, slots=True)
class Undeliverable:
    """Blocked, chat gone, or refused: retrying will not help."""

    error: str


SendOutcome = Sent | WaitAndRetry | TryAgain | MaybeSent | Undeliverable
Sender = Callable[[int, str], Awaitable[SendOutcome]]
AttachmentSender = Callable[[int, str, Attachment, int | None], Awaitable[SendOutcome]]
ButtonSender = Callable[[int, str, Button], Awaitable[SendOutcome]]
KeyboardSender = Callable[[int, str, Keyboard], Awaitable[SendOutcome]]
"""Sends a notice with several buttons; without one, such a notice goes with its fallback
button through the ``ButtonSender``."""
UndeliverableHook = Callable[[Connection, OutboxRow, datetime], Awaitable[None]]
"""Called in the transaction that marks a row undeliverable, to tell someone."""


def by_turns(rows: Sequence[OutboxRow]) -> list[OutboxRow]:
    """Each chat's messages in their order, the chats taking turns: a long send to one chat,
    paced at about one message a second, does not hold up a notice to another."""
    queues: dict[int, list[OutboxRow]] = {}
    for row in rows:
        queues.setdefault(row.chat_id, []).append(row)
    ordered: list[OutboxRow] = []
    for turn in range(max((len(q) for q in queues.values()), default=0)):
        ordered += [q[turn] for q in queues.values() if turn < len(q)]
    return ordered


class Dispatcher:
    def __init__(
        self,
        db: Database,
        cipher: Cipher,
        clock: Clock,
        sender: Sender,
        *,
        attachment_sender: AttachmentSender | None = None,
        button_sender: ButtonSender | None = None,
        keyboard_sender: KeyboardSender | None = None,
        batch: int = 50,
        rng: random.Random | None = None,
        on_undeliverable: UndeliverableHook | None = None,
        leases: Lease | None = None,
    ) -> None:
        self._db, self._cipher, self._clock, self._send = db, cipher, clock, sender
        self._batch = batch
        self._send_attachment = attachment_sender
        self._send_button = button_sender
        self._send_keyboard = keyboard_sender
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._lock = asyncio.Lock()
        self._paused_until: datetime | None = None
        self._on_undeliverable = on_undeliverable
        self._more = False  # the last run claimed a full batch and Telegram was answering
        self._again = False
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._leases = leases

    def _backoff(self, attempts: int) -> timedelta:
        base = min(FIRST_RETRY * (1 << min(attempts, 10)), MAX_RETRY)
        return base * self._rng.uniform(0.5, 1.5)

    async def _claim(self) -> list[OutboxRow]:
        now = self._clock.now()
        async with self._db.transaction() as conn:
            return await outbox.claim(
                conn, self.owner, to_db(now), to_db(now + LEASE), self._batch
            )

    async def _undeliverable(self, row: OutboxRow, error: str) -> None:
        log.warning("outbox message %s undeliverable: %s", row.id, error)
        async with self._db.transaction() as conn:
            await outbox.mark_undeliverable(conn, row.id, error)
            if self._on_undeliverable is not None:
                await self._on_undeliverable(conn, row, self._clock.now())

    async def recover(self) -> int:
        """Take back the claims of a process that died (only the process holding the
        one-process lock, or the ``LEADER`` lease, may call this). A message that was in
        flight when it died may then go out twice; every message names its request number,
        so that is recognisable."""
        async with self._db.transaction() as conn:
            released = await outbox.release_abandoned(conn, self.owner)
        if released:
            log.warning(
                "outbox: %d message(s) claimed by a stopped process are due again", released
            )
        return released

    async def leads(self) -> bool:
        """Whether this worker sends (always, without shared leases). Taking the lead takes
        back what the last sender had claimed: it holds no lease any more."""
        if self._leases is None or self._leases.held(LEADER):
            return True
        if not await self._leases.try_acquire(LEADER):
            return False
        await self.recover()
        return True

    async def wake(self) -> int:
        """Deliver what is due, unless a run is under way: that one then looks again."""
        if self._lock.locked():
            self._again = True
            return 0
        return await self.run_until_idle()

    async def run_until_idle(self, max_batches: int = 1000) -> int:
        """Deliver batch after batch while full batches were due (or someone woke us meanwhile);
        returns how many went out."""
        sent = 0
        for _ in range(max_batches):
            self._again = False
            sent += await self.run_once()
            if not (self._more or self._again):
                break
        return sent

    async def run_once(self) -> int:
        """Deliver one batch of what is due; returns how many messages went out."""
        async with self._lock:
            self._more = False
            if self._paused_until is not None and self._clock.now() < self._paused_until:
                return 0
            if not await self.leads():
                return 0
            rows = await self._claim()
            self._more = len(rows) == self._batch
            untried = {row.id for row in rows}
            try:
                return await self._deliver(rows, untried)
            finally:
                if untried:
                    async with self._db.transaction() as conn:
                        await outbox.release(conn, self.owner, sorted(untried))

    async def _deliver(self, rows: list[OutboxRow], untried: set[int]) -> int:
        held_back: set[int] = set()  # a chat whose earlier message is not out: keep order
        sent = 0
        for row in by_turns(rows):
            if row.chat_id in held_back:
                continue
            untried.discard(row.id)
            try:
                text = self._cipher.decrypt_text(row.body, contexts.outbox_body(row.ref))
                attachment = attachment_of(self._cipher, row.ref, row.attachment)
            except DecryptionError:
                log.error("outbox message %s cannot be decrypted", row.id)
                await self._undeliverable(row, "cannot be decrypted")
                continue
            button = button_of(row.button)
            keyboard = keyboard_of(row.button)
            if attachment is not None and self._send_attachment is not None:
                outcome = await self._send_attachment(row.chat_id, text, attachment, row.case_id)
            elif keyboard is not None and self._send_keyboard is not None:
                outcome = await self._send_keyboard(row.chat_id, text, keyboard)
            elif button is not None and self._send_button is not None:
                outcome = await self._send_button(row.chat_id, text, button)
            else:
                outcome = await self._send(row.chat_id, text)
            now = self._clock.now()
            if isinstance(outcome, Undeliverable):
                await self._undeliverable(row, outcome.error)
                continue
            async with self._db.transaction() as conn:
                match outcome:
                    case Sent():
                        await outbox.mark_sent(conn, row.id, to_db(now))
                        sent += 1
                    case WaitAndRetry(seconds):
                        await outbox.retry_later(
                            conn, row.id, to_db(now + timedelta(seconds=seconds)), "429"
                        )
                    case TryAgain(error):
                        held_back.add(row.chat_id)
                        await outbox.retry_later(
                            conn, row.id, to_db(now + self._backoff(row.attempts)), error
                        )
                    case MaybeSent(error):
                        held_back.add(row.chat_id)
                        log.warning(
                            "outbox message %s may have been sent (%s); tried again in %d min",
                            row.id,
                            error,
                            UNCERTAIN_RETRY.total_seconds() // 60,
                        )
                        await outbox.mark_uncertain(
                            conn, row.id, to_db(now), to_db(now + UNCERTAIN_RETRY), error
                        )
            if isinstance(outcome, WaitAndRetry):
                log.warning("rate limited; outbox pauses for %.0f s", outcome.seconds)
                self._paused_until = now + timedelta(seconds=outcome.seconds)
                self._more = False
                break
            if isinstance(outcome, MaybeSent):
                self._more = False  # Telegram is not answering: the rest waits for next time
                break
        return sent
