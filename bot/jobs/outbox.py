"""The outbox: messages written in the same transaction as the change that caused them,
delivered afterwards by the dispatcher, retried until Telegram has them.

A dispatcher claims due rows with a lease in the database, so two dispatchers (two job runs,
or a second process by mistake) never send one row. Network errors and 5xx are retried with
backoff and jitter, 429 waits ``retry_after``, a time-out is "maybe sent" (tried again only
after a long delay: every text names its case number, so a rare duplicate is recognisable),
and 403 / "chat not found" mark the message undeliverable, which a person is told of through
the ``on_undeliverable`` hook in the same transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.i18n import use_language
from bot.markup import split_html
from bot.security.crypto import Cipher, DecryptionError
from storage import outbox
from storage.accounts import Recipient
from storage.db import Connection, Database, to_db
from storage.outbox import OutboxRow

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(minutes=10)
UNCERTAIN_RETRY = timedelta(minutes=10)
"""After a time-out Telegram may have the message: wait this long before sending it again."""
LEASE = timedelta(minutes=5)
"""How long a claim holds; a dispatcher that died with rows claimed frees them after this."""


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


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document or photo Telegram already has, sent again by its file id."""

    kind: str  # "document" | "photo"
    file_id: str
    file_name: str | None = None
    receipt_button: str | None = None
    """With a button of this text the parent confirms receipt of ``case_id``'s documents."""


@dataclass(frozen=True, slots=True)
class Button:
    """One button under a notice: its label (in the recipient's language), and the action
    and arguments its callback data carries (signed for the recipient when sent)."""

    label: str
    action: str
    args: tuple[int, ...] = ()


SendOutcome = Sent | WaitAndRetry | TryAgain | MaybeSent | Undeliverable
Sender = Callable[[int, str], Awaitable[SendOutcome]]
AttachmentSender = Callable[[int, str, Attachment, int | None], Awaitable[SendOutcome]]
ButtonSender = Callable[[int, str, Button], Awaitable[SendOutcome]]
UndeliverableHook = Callable[[Connection, OutboxRow, datetime], Awaitable[None]]
"""Called in the transaction that marks a row undeliverable, to tell someone."""


def _context(ref: str) -> str:
    return f"outbox:{ref}"


async def enqueue(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    *,
    chat_id: int,
    text: str,
    school_id: int | None,
    case_id: int | None = None,
    key: str | None = None,
    attachment: Attachment | None = None,
    button: Button | None = None,
) -> str:
    """Queue ``text`` (Telegram HTML) for ``chat_id`` inside the caller's unit of work; a text
    longer than Telegram allows becomes several messages, split at line breaks, in order. With
    an attachment, the text is its caption (one message).

    A message that must go out once carries a deterministic ``key`` (for example a reminder's
    case and day): queueing the same key again is a no-op. Returns the first part's reference.
    """
    first = last = ""
    for n, part in enumerate([text] if attachment is not None else split_html(text)):
        ref = secrets.token_hex(8)
        added = await outbox.add(
            conn,
            ref=ref,
            school_id=school_id,
            chat_id=chat_id,
            case_id=case_id,
            body=cipher.encrypt_text(part, _context(ref)),
            at=to_db(now),
            key=key if key is None or n == 0 else f"{key}#{n}",
        )
        last = ref
        if n == 0:
            first = ref
            if not added:
                return first
    if attachment is not None and first:
        data = {"kind": attachment.kind, "file_id": attachment.file_id}
        if attachment.file_name is not None:
            data["file_name"] = attachment.file_name
        if attachment.receipt_button is not None:
            data["receipt_button"] = attachment.receipt_button
        blob = cipher.encrypt_text(json.dumps(data), _context(first) + ":attachment")
        await outbox.set_attachment(conn, first, blob)
    if button is not None:  # under the last part, like a keyboard under a long reply
        spec = {"label": button.label, "action": button.action, "args": list(button.args)}
        await outbox.set_button(conn, last, json.dumps(spec))
    return first


async def enqueue_each(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    recipients: Sequence[Recipient],
    render: Callable[[], str],
    *,
    school_id: int | None,
    case_id: int | None = None,
    button: Callable[[], Button] | None = None,
    attachment: Callable[[], Attachment] | None = None,
) -> int:
    """One notice per recipient, each rendered (text, button label, caption) in the
    recipient's own language; returns how many were queued."""
    for recipient in recipients:
        with use_language("en" if recipient.language == "en" else "nl"):
            text = render()
            extra = button() if button is not None else None
            document = attachment() if attachment is not None else None
        await enqueue(
            conn,
            cipher,
            now,
            chat_id=recipient.chat_id,
            text=text,
            school_id=school_id,
            case_id=case_id,
            button=extra,
            attachment=document,
        )
    return len(recipients)


def _button(raw: str | None) -> Button | None:
    if raw is None:
        return None
    data = json.loads(raw)
    return Button(str(data["label"]), str(data["action"]), tuple(int(a) for a in data["args"]))


def _attachment(cipher: Cipher, ref: str, blob: bytes | None) -> Attachment | None:
    if blob is None:
        return None
    data = json.loads(cipher.decrypt_text(blob, _context(ref) + ":attachment"))
    return Attachment(
        str(data["kind"]),
        str(data["file_id"]),
        data.get("file_name"),
        data.get("receipt_button"),
    )


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
        batch: int = 50,
        rng: random.Random | None = None,
        on_undeliverable: UndeliverableHook | None = None,
    ) -> None:
        self._db, self._cipher, self._clock, self._send = db, cipher, clock, sender
        self._batch = batch
        self._send_attachment = attachment_sender
        self._send_button = button_sender
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._lock = asyncio.Lock()
        self._paused_until: datetime | None = None
        self._on_undeliverable = on_undeliverable
        self._more = False  # the last run claimed a full batch and Telegram was answering
        self._again = False
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"

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
        one-process lock may call this). A message that was in flight when it died may then
        go out twice; every message names its request number, so that is recognisable."""
        async with self._db.transaction() as conn:
            released = await outbox.release_abandoned(conn, self.owner)
        if released:
            log.warning(
                "outbox: %d message(s) claimed by a stopped process are due again", released
            )
        return released

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
                text = self._cipher.decrypt_text(row.body, _context(row.ref))
                attachment = _attachment(self._cipher, row.ref, row.attachment)
            except DecryptionError:
                log.error("outbox message %s cannot be decrypted", row.id)
                await self._undeliverable(row, "cannot be decrypted")
                continue
            button = _button(row.button)
            if attachment is not None and self._send_attachment is not None:
                outcome = await self._send_attachment(row.chat_id, text, attachment, row.case_id)
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
