"""The durable intake: updates are fetched from Telegram, written to the inbox, then handled.

A fetched batch is stored (one transaction, with the next offset) before Telegram is asked
for more, which is what confirms the batch to Telegram: a crash loses nothing, and on start
the inbox is drained first. Each person's updates are handled strictly in order from their
own queue; across people they run concurrently, at most ``concurrency`` at a time, and a
person holds at most one running slot, so one burst cannot starve the others. A handled
update leaves the inbox in the same transaction that saves the state it changed; one that
cannot be handled is marked failed with its error type, never silently dropped and never
retried forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Chat, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.clock import Clock
from bot.i18n import DEFAULT_LANGUAGE, Language, use_language
from bot.security import contexts
from bot.security.crypto import Cipher
from handlers.persistence import SqlitePersistence
from handlers.retry_after import retry_after_seconds
from handlers.scheduler import PerKeyScheduler
from storage import inbox
from storage.db import Database, to_db

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
MAX_ATTEMPTS = 5
"""Processes that may start with an update still pending before it is given up."""
MAX_BACKOFF = 30.0

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


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
        self._scheduler = PerKeyScheduler(self._handle, concurrency)
        self._poller: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._offset: int | None = None
        self.failed = asyncio.Event()
        """Set when polling cannot go on (the token was refused)."""

    # --- lifecycle --------------------------------------------------------------------------

    async def start(
        self,
        *,
        poll_timeout: float = 10,
        poll_interval: float = 0,
        allowed_updates: Sequence[str] = ALLOWED_UPDATES,
    ) -> None:
        """Drain what an earlier process left in the inbox, then poll for more."""
        self._stop.clear()
        self._schedule(await self._drain())
        self._scheduler.start()
        self._poller = asyncio.create_task(
            self._poll(poll_timeout, poll_interval, list(allowed_updates)), name="intake-poller"
        )

    async def stop(self) -> None:
        """Stop fetching; updates being handled finish, the rest stay in the inbox."""
        self._stop.set()
        if self._poller is not None:
            await self._poller
            self._poller = None
        await self._scheduler.stop()

    @property
    def running(self) -> bool:
        return self._poller is not None

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

    async def _poll(self, poll_timeout: float, interval: float, allowed: list[str]) -> None:
        backoff = 0.0
        while not self._stop.is_set():
            delay = interval
            try:
                updates = await self._until_stopped(
                    self._app.bot.get_updates(
                        offset=self._offset, timeout=poll_timeout, allowed_updates=allowed
                    )
                )
                if updates is None:
                    return
                await self._store(updates)
                backoff = 0.0
            except RetryAfter as exc:
                delay = retry_after_seconds(exc) + 0.5
                log.warning("getUpdates: asked to wait %.1f s", delay)
            except TimedOut:
                delay = 0
            except InvalidToken:
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
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)

    async def _until_stopped(self, request: Any) -> tuple[Update, ...] | None:
        """The request's result, or None when stop() came first (the request is cancelled;
        nothing was confirmed, so Telegram keeps what it had not delivered)."""
        fetch: asyncio.Task[tuple[Update, ...]] = asyncio.ensure_future(request)
        stopped = asyncio.create_task(self._stop.wait())
        done, _pending = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if fetch in done:
            stopped.cancel()
            return fetch.result()
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await fetch
        return None

    async def _store(self, updates: Sequence[Update]) -> None:
        """One transaction per batch; only then is the offset moved past it."""
        fresh = [u for u in updates if self._offset is None or u.update_id >= self._offset]
        for update_id in sorted({u.update_id for u in updates} - {u.update_id for u in fresh}):
            log.info("update %s was fetched before; skipped", update_id)
            self._done(update_id)
        if not fresh:
            return
        offset = max(u.update_id for u in fresh) + 1
        items = [_Item(u.update_id, chat_key(u), update=u) for u in fresh]
        rows = [
            (
                u.update_id,
                item.key,
                self._cipher.encrypt(
                    json.dumps(u.to_dict(), separators=(",", ":")).encode(),
                    contexts.inbox_update(u.update_id),
                ),
            )
            for u, item in zip(fresh, items, strict=True)
        ]
        async with self._db.transaction() as conn:
            await inbox.add_batch(conn, rows, to_db(self._clock.now()), offset)
        self._offset = offset
        self._schedule(items)

    # --- handling ---------------------------------------------------------------------------

    def _schedule(self, items: list[_Item]) -> None:
        for item in items:
            self._scheduler.add(item.key, item)

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
        if self.on_done is not None:
            self.on_done(update_id)
