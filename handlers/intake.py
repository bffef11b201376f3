"""The durable intake: updates are fetched from Telegram (or posted to the webhook,
handlers.webhook), written to the inbox, then handled.

A fetched batch is stored (one transaction, with the next offset) before Telegram is asked
for more, which is what confirms the batch to Telegram; a posted update is stored before the
post is answered. A crash loses nothing, and on start the inbox is drained first. Each
person's updates are handled strictly in order from their own queue; across people they run
concurrently, at most ``concurrency`` at a time, and a person holds at most one running
slot, so one burst cannot starve the others. A handled update leaves the inbox (webhook:
leaves a receipt there) in the same transaction that saves the state it changed; one that
cannot be handled is marked failed with its error type, never silently dropped and never
retried forever.

On a database several workers share (PostgreSQL), a person's updates are handled by one
worker at a time: the one holding the lease on that person (a session lock in the database,
dropped when the worker dies). It takes the person's pending rows from the inbox in order,
loads their conversation state fresh, and looks again before it lets go, so an update stored
by another worker meanwhile is never left behind; a sweep every second picks up the rows of
people nobody serves (a worker that died). Only one worker polls (``POLLER`` lease).

Updates are fetched raw and parsed one by one: one that python-telegram-bot cannot read (a
shape from another Bot API version) is set aside as failed, counted and logged by its id and
type only, and the rest of its batch is stored and handled as usual. Nothing from an update's
content reaches a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Chat, Update
from telegram._utils.types import JSONDict
from telegram.error import (
    Conflict,
    EndPointNotFound,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.i18n import DEFAULT_LANGUAGE, Language, use_language
from bot.security import contexts
from bot.security.crypto import Cipher
from handlers.persistence import SqlitePersistence
from handlers.retry_after import retry_after_seconds
from handlers.scheduler import PerKeyScheduler
from storage import inbox
from storage.db import Connection, Database, to_db

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
UNREADABLE = "UnreadableUpdate"
"""The error recorded for an update python-telegram-bot could not parse."""
READ_MARGIN = 5.0
"""Seconds a long poll may take beyond its own timeout before the request times out."""
_UPDATE_TYPE = re.compile(r"[a-z_]{1,40}")
MAX_ATTEMPTS = 5
"""Processes that may start with an update still pending before it is given up."""
MAX_BACKOFF = 30.0
SWEEP_INTERVAL = 1.0
"""Seconds between two looks for people whose updates nobody serves (shared database)."""
POLLER = "intake:poller"
POLLER_RETRY = 5.0
BATCH = 100
"""Telegram's most updates in one getUpdates answer: a full batch means more are waiting."""
SETTLE = 0.05
"""At most this many seconds the next long poll waits for the batch just stored to be
handled (see _settle)."""

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# Fetched raw on purpose (see _fetch): Bot.get_updates parses a whole batch at once, and
# when one update fails it logs the whole batch at CRITICAL.
warnings.filterwarnings("ignore", message="Please use 'Bot.getUpdates'", category=PTBUserWarning)


@dataclass(slots=True)
class _Item:
    update_id: int
    key: int
    update: Update | None = None
    payload: bytes | None = None


def chat_key(update: Update) -> int:
    """Whose queue an update joins: the person's (their private chat has their id)."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return 0


class Intake:
    def __init__(
        self,
        application: AnyApplication,
        db: Database,
        cipher: Cipher,
        clock: Clock,
        persistence: SqlitePersistence,
        *,
        reader_language: Callable[[int, str | None], Awaitable[Language]],
        concurrency: int = 64,
        on_done: Callable[[int], None] | None = None,
    ) -> None:
        self._app = application
        self._reader_language = reader_language
        self._db, self._cipher, self._clock = db, cipher, clock
        self._persistence = persistence
        self.on_done = on_done
        self._shared = db.shared
        self._leases = db.leases
        self._scheduler = PerKeyScheduler(
            self._turn if self._shared else self._handle, concurrency
        )
        self._serving: set[int] = set()
        self._again: set[int] = set()
        self._poller: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._running = False
        self._receipts = False
        """Webhook mode: a handled update leaves a receipt, so that Telegram's retry of a
        post whose answer got lost is recognised (polling: the offset does that)."""
        self._stop = asyncio.Event()
        self._offset: int | None = None
        self._in_hand: set[int] = set()
        """Ids of the last stored batch not yet handled (polling)."""
        self._settled = asyncio.Event()
        self.failed = asyncio.Event()
        """Set when polling cannot go on (the token was refused)."""
        self.unreadable = 0
        """Updates set aside since start because they could not be parsed."""

    # --- lifecycle --------------------------------------------------------------------------

    async def start(
        self,
        *,
        poll: bool = True,
        poll_timeout: float = 10,
        poll_interval: float = 0,
        allowed_updates: Sequence[str] = ALLOWED_UPDATES,
    ) -> None:
        """Drain what an earlier process left in the inbox, then poll for more (or, without
        ``poll``, wait for what the webhook receives)."""
        self._stop.clear()
        self._receipts = not poll
        if self._shared:
            self._scheduler.start()
            self._sweeper = asyncio.create_task(self._sweep(), name="intake-sweeper")
        else:
            self._schedule(await self._drain())
            self._scheduler.start()
        if poll:
            self._poller = asyncio.create_task(
                self._poll(poll_timeout, poll_interval, list(allowed_updates)),
                name="intake-poller",
            )
        self._running = True

    async def stop(self) -> None:
        """Stop fetching; updates being handled finish, the rest stay in the inbox."""
        self._stop.set()
        for task in (self._poller, self._sweeper):
            if task is not None:
                await task
        self._poller = self._sweeper = None
        await self._scheduler.stop()
        if self._leases.held(POLLER):
            await self._leases.release(POLLER)
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    async def _drain(self) -> list[_Item]:
        now = to_db(self._clock.now())
        async with self._db.transaction() as conn:
            await inbox.count_attempt(conn)
            rows = await inbox.pending(conn)
            self._offset = await inbox.next_offset(conn)
            items, given_up = [], []
            for row in rows:
                if row.attempts > MAX_ATTEMPTS:
                    log.error("update %s given up after %s starts", row.update_id, row.attempts)
                    await inbox.mark_failed(conn, row.update_id, "GaveUp", now)
                    given_up.append(row.update_id)
                else:
                    items.append(_Item(row.update_id, row.chat_key, payload=row.payload))
        for update_id in given_up:
            self._done(update_id)
        if items:
            log.info("handling %s updates left in the inbox", len(items))
        return items

    # --- fetching ---------------------------------------------------------------------------

    async def _is_poller(self) -> bool:
        """On a shared database one worker polls: whoever holds the poller lease. It reads
        the offset when it takes the lease (the last poller may have moved it)."""
        if not self._shared or self._leases.held(POLLER):
            return True
        if not await self._leases.try_acquire(POLLER):
            return False
        self._offset = await inbox.next_offset(self._db.reader)
        return True

    async def _poll(self, poll_timeout: float, interval: float, allowed: list[str]) -> None:
        backoff = 0.0
        while not self._stop.is_set():
            delay = interval
            try:
                if not await self._is_poller():
                    await self._pause(POLLER_RETRY)
                    continue
                fetched = await self._until_stopped(self._fetch(poll_timeout, allowed))
                if fetched is None:
                    return
                await self._store(*self._read(fetched))
                backoff = 0.0
                if isinstance(fetched, list) and len(fetched) < BATCH:
                    await self._settle()
            except RetryAfter as exc:
                delay = retry_after_seconds(exc) + 0.5
                log.warning("getUpdates: asked to wait %.1f s", delay)
            except TimedOut:
                delay = 0
            except (InvalidToken, EndPointNotFound):  # 401/404: getUpdates itself exists
                log.critical("getUpdates: the bot token was refused; polling stops")
                self.failed.set()
                return
            except Conflict:
                backoff = min(MAX_BACKOFF, max(1.0, backoff * 1.5))
                delay = backoff
                log.warning("getUpdates: another process polls with this token (409)")
            except (TelegramError, OSError) as exc:
                backoff = min(MAX_BACKOFF, max(1.0, backoff * 1.5))
                delay = backoff
                log.warning(
                    "getUpdates failed (%s); retrying in %.1f s", type(exc).__name__, delay
                )
            except Exception as exc:
                backoff = min(MAX_BACKOFF, max(1.0, backoff * 1.5))
                delay = backoff
                log.error("storing updates failed (%s); fetching again", type(exc).__name__)
            if delay:
                await self._pause(delay)

    async def _settle(self) -> None:
        """Let the batch just stored be handled before asking Telegram for more: the next
        long poll's request would otherwise take the processor while a parent's answer is
        being made (nothing waits at Telegram meanwhile: the batch was not full). A handler
        that takes long (a send held by the rate limit) holds the next poll SETTLE at most."""
        if not self._in_hand:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled.wait(), SETTLE)

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less when the intake stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _fetch(self, poll_timeout: float, allowed: list[str]) -> Any:
        """One long poll's updates as Telegram sent them (JSON), not yet parsed."""
        return await self._app.bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self._offset,
                "timeout": poll_timeout,
                "allowed_updates": allowed,
            },
            read_timeout=poll_timeout + READ_MARGIN,
        )

    def _read(self, fetched: Any) -> tuple[list[tuple[Update, JSONDict]], list[int]]:
        """Each update parsed on its own: (update, its JSON) for those that can be read, and
        the ids of those that cannot (logged by id and type only)."""
        readable: list[tuple[Update, JSONDict]] = []
        unreadable: list[int] = []
        for raw in fetched if isinstance(fetched, list) else []:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                log.warning("an update without an id was skipped")
                continue
            try:
                readable.append((Update.de_json(raw, self._app.bot), raw))
            except Exception as exc:
                kind = next((k for k in raw if k != "update_id"), "")
                kind = kind if _UPDATE_TYPE.fullmatch(kind) else "unknown"
                log.warning(
                    "update %s (%s) could not be read (%s); set aside",
                    update_id,
                    kind,
                    type(exc).__name__,
                )
                unreadable.append(update_id)
        return readable, unreadable

    async def _until_stopped(self, request: Any) -> Any:
        """The request's result, or None when stop() came first (the request is cancelled;
        nothing was confirmed, so Telegram keeps what it had not delivered)."""
        fetch: asyncio.Task[Any] = asyncio.ensure_future(request)
        stopped = asyncio.create_task(self._stop.wait())
        done, _pending = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if fetch in done:
            stopped.cancel()
            return fetch.result()
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await fetch
        return None

    async def _store(
        self, updates: Sequence[tuple[Update, JSONDict]], unreadable: Sequence[int] = ()
    ) -> None:
        """One transaction per batch; only then is the offset moved past it. An update that
        could not be read is stored as failed (without its content), so it is not fetched
        again and the record shows it."""
        ids = [u.update_id for u, _raw in updates] + list(unreadable)

        def is_fresh(update_id: int) -> bool:
            return self._offset is None or update_id >= self._offset

        for update_id in sorted(i for i in set(ids) if not is_fresh(i)):
            log.info("update %s was fetched before; skipped", update_id)
            self._done(update_id)
        fresh = [(u, raw) for u, raw in updates if is_fresh(u.update_id)]
        set_aside = sorted(i for i in set(unreadable) if is_fresh(i))
        if not fresh and not set_aside:
            return
        offset = max([u.update_id for u, _raw in fresh] + set_aside) + 1
        items = [_Item(u.update_id, chat_key(u), update=u) for u, _raw in fresh]
        rows = [
            (
                u.update_id,
                item.key,
                self._cipher.encrypt(
                    json.dumps(raw, separators=(",", ":")).encode(),
                    contexts.inbox_update(u.update_id),
                ),
            )
            for (u, raw), item in zip(fresh, items, strict=True)
        ]
        now = to_db(self._clock.now())
        async with self._db.transaction() as conn:
            await inbox.add_batch(conn, rows, now, offset)
            if set_aside:
                await inbox.add_failed(conn, set_aside, now, UNREADABLE)
        self._offset = offset
        self.unreadable += len(set_aside)
        for update_id in set_aside:
            self._done(update_id)
        self._in_hand = {item.update_id for item in items}
        self._settled.clear()
        self._schedule(items)

    async def receive(self, raw: JSONDict) -> None:
        """Store one update posted to the webhook before the post is answered; a duplicate
        (its id was stored before, handled or not) is ignored. An error means it was not
        stored: the post gets a 5xx and Telegram posts it again."""
        readable, unreadable = self._read([raw])
        now = to_db(self._clock.now())
        if unreadable:
            async with self._db.transaction() as conn:
                await inbox.add_failed(conn, unreadable, now, UNREADABLE)
            self.unreadable += len(unreadable)
            self._done(unreadable[0])
            return
        update, data = readable[0]
        item = _Item(update.update_id, chat_key(update), update=update)
        payload = self._cipher.encrypt(
            json.dumps(data, separators=(",", ":")).encode(),
            contexts.inbox_update(update.update_id),
        )
        async with self._db.transaction() as conn:
            new = await inbox.add(conn, item.update_id, item.key, payload, now)
        if not new:
            log.info("update %s was received before; ignored", item.update_id)
            self._done(item.update_id)
            return
        self._schedule([item])

    # --- handling ---------------------------------------------------------------------------

    def _schedule(self, items: list[_Item]) -> None:
        for item in items:
            if self._shared:
                self._wake(item.key)
            else:
                self._scheduler.add(item.key, item)

    # --- a shared database: one worker serves a person at a time ----------------------------

    def _wake(self, key: int) -> None:
        """Serve this person's pending updates (again, if they are being served now)."""
        if key in self._serving:
            self._again.add(key)
            return
        self._serving.add(key)
        self._scheduler.add(key, _Item(0, key))

    async def _turn(self, item: _Item) -> None:
        key = item.key
        try:
            while not self._stop.is_set():
                self._again.discard(key)
                if not await self._serve(key):
                    break  # another worker holds the lease; it looks again before it lets go
                if key not in self._again and not await inbox.has_pending(self._db.reader, key):
                    break
        except Exception as exc:
            log.error("serving updates failed (%s); the sweep tries again", type(exc).__name__)
        finally:
            self._serving.discard(key)
            self._again.discard(key)

    async def _serve(self, key: int) -> bool:
        """Handle the person's pending updates under their lease; False without the lease."""
        if not await self._leases.try_acquire(key):
            return False
        try:
            loaded = False
            while not self._stop.is_set():
                # The attempt count may be lost with the server at no cost (one try more):
                # its commit does not wait for the disk.
                async with self._db.transaction(flush=False) as conn:
                    rows = await inbox.claim_chat(conn, key)
                    rows = await self._give_up(conn, rows)
                if not rows:
                    break
                if not loaded:  # state as stored now: the last worker may have changed it
                    await self._persistence.load_person(self._app, key)
                    loaded = True
                for row in rows:
                    if self._stop.is_set():
                        break
                    await self._handle(_Item(row.update_id, key, payload=row.payload))
                if not await inbox.has_pending(self._db.reader, key):
                    break
        finally:
            self._persistence.forget_person(self._app, key)
            await self._leases.release(key)
        return True

    async def _give_up(self, conn: Connection, rows: list[inbox.InboxRow]) -> list[inbox.InboxRow]:
        """Rows tried too often are marked failed; the others are returned."""
        kept = []
        for row in rows:
            if row.attempts > MAX_ATTEMPTS:
                log.error("update %s given up after %s tries", row.update_id, row.attempts)
                await inbox.mark_failed(conn, row.update_id, "GaveUp", to_db(self._clock.now()))
                self._done(row.update_id)
            else:
                kept.append(row)
        return kept

    async def _sweep(self) -> None:
        """Now and then: people with pending updates whom no worker serves (one died)."""
        while not self._stop.is_set():
            try:
                for key in await inbox.unattended_chats(self._db.reader):
                    if key not in self._serving:
                        self._wake(key)
            except Exception as exc:
                log.warning("looking for unhandled updates failed (%s)", type(exc).__name__)
            await self._pause(SWEEP_INTERVAL)

    async def _handle(self, item: _Item) -> None:
        try:
            update = item.update or self._decode(item)
            user = update.effective_user
            language = (
                await self._reader_language(user.id, user.language_code)
                if user is not None
                else DEFAULT_LANGUAGE
            )
            # The reader's language for everything this update does (a handler that changes
            # it, /language, changes it for the rest of this update only).
            with use_language(language):
                await self._app.process_update(update)
            changes = []
            user, chat = update.effective_user, update.effective_chat
            if user is not None and chat is not None and chat.type == Chat.PRIVATE:
                changes = self._persistence.changes_for(self._app, user.id)
            async with self._db.transaction() as conn:
                await self._persistence.write(conn, changes)
                if self._receipts:
                    await inbox.mark_handled(conn, item.update_id, to_db(self._clock.now()))
                else:
                    await inbox.delete(conn, item.update_id)
            self._persistence.committed(changes)
        except Exception as exc:
            log.error("update %s could not be handled: %s", item.update_id, type(exc).__name__)
            await self._record_failure(item.update_id, type(exc).__name__)
        finally:
            self._done(item.update_id)

    def _decode(self, item: _Item) -> Update:
        assert item.payload is not None
        data = json.loads(
            self._cipher.decrypt(item.payload, contexts.inbox_update(item.update_id))
        )
        update = Update.de_json(data, self._app.bot)
        return update

    async def _record_failure(self, update_id: int, error: str) -> None:
        try:
            async with self._db.transaction() as conn:
                await inbox.mark_failed(conn, update_id, error, to_db(self._clock.now()))
        except Exception as exc:  # the row stays pending and is tried at the next start
            log.error("could not record failed update %s: %s", update_id, type(exc).__name__)

    def _done(self, update_id: int) -> None:
        if update_id in self._in_hand:
            self._in_hand.discard(update_id)
            if not self._in_hand:
                self._settled.set()
        if self.on_done is not None:
            self.on_done(update_id)
