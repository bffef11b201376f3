"""The outbox: messages written in the same transaction as the change that caused them,
delivered afterwards by the dispatcher, retried until Telegram has them.

Network errors and 5xx are retried with backoff and jitter, 429 waits ``retry_after``,
403 and "chat not found" mark the message undeliverable (reported in the digest).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.security.crypto import Cipher, DecryptionError
from storage import outbox
from storage.db import Connection, Database, to_db

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(minutes=10)


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


SendOutcome = Sent | WaitAndRetry | TryAgain | Undeliverable
Sender = Callable[[int, str], Awaitable[SendOutcome]]
AttachmentSender = Callable[[int, str, Attachment, int | None], Awaitable[SendOutcome]]


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
    attachment: Attachment | None = None,
) -> str:
    """Queue ``text`` (Telegram HTML) for ``chat_id`` inside the caller's unit of work;
    with an attachment, the text is its caption."""
    ref = secrets.token_hex(8)
    await outbox.add(
        conn,
        ref=ref,
        school_id=school_id,
        chat_id=chat_id,
        case_id=case_id,
        body=cipher.encrypt_text(text, _context(ref)),
        at=to_db(now),
    )
    if attachment is not None:
        data = {"kind": attachment.kind, "file_id": attachment.file_id}
        if attachment.file_name is not None:
            data["file_name"] = attachment.file_name
        if attachment.receipt_button is not None:
            data["receipt_button"] = attachment.receipt_button
        blob = cipher.encrypt_text(json.dumps(data), _context(ref) + ":attachment")
        await outbox.set_attachment(conn, ref, blob)
    return ref


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


class Dispatcher:
    def __init__(
        self,
        db: Database,
        cipher: Cipher,
        clock: Clock,
        sender: Sender,
        *,
        attachment_sender: AttachmentSender | None = None,
        batch: int = 50,
        rng: random.Random | None = None,
    ) -> None:
        self._db, self._cipher, self._clock, self._send = db, cipher, clock, sender
        self._batch = batch
        self._send_attachment = attachment_sender
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._lock = asyncio.Lock()
        self._paused_until: datetime | None = None

    def _backoff(self, attempts: int) -> timedelta:
        base = min(FIRST_RETRY * (1 << min(attempts, 10)), MAX_RETRY)
        return base * self._rng.uniform(0.5, 1.5)

    async def run_once(self) -> int:
        """Deliver what is due; returns how many messages went out."""
        async with self._lock:
            if self._paused_until is not None and self._clock.now() < self._paused_until:
                return 0
            rows = await outbox.due(self._db.reader, to_db(self._clock.now()), self._batch)
            held_back: set[int] = set()  # a chat whose earlier message failed: keep order
            sent = 0
            for row in rows:
                if row.chat_id in held_back:
                    continue
                try:
                    text = self._cipher.decrypt_text(row.body, _context(row.ref))
                    attachment = _attachment(self._cipher, row.ref, row.attachment)
                except DecryptionError:
                    log.error("outbox message %s cannot be decrypted", row.id)
                    async with self._db.transaction() as conn:
                        await outbox.mark_undeliverable(conn, row.id, "cannot be decrypted")
                    continue
                if attachment is not None and self._send_attachment is not None:
                    outcome = await self._send_attachment(
                        row.chat_id, text, attachment, row.case_id
                    )
                else:
                    outcome = await self._send(row.chat_id, text)
                now = self._clock.now()
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
                        case Undeliverable(error):
                            log.warning("outbox message %s undeliverable: %s", row.id, error)
                            await outbox.mark_undeliverable(conn, row.id, error)
                if isinstance(outcome, WaitAndRetry):
                    log.warning("rate limited; outbox pauses for %.0f s", outcome.seconds)
                    self._paused_until = now + timedelta(seconds=outcome.seconds)
                    break
            return sent
