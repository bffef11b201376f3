"""The database connection and its units of work.

One writer connection, guarded by an asyncio lock so that units of work never interleave,
each in ``BEGIN IMMEDIATE``; one reader connection for queries (WAL lets it read while the
writer writes).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from storage.migrations import apply_migrations, schema_version

Connection = aiosqlite.Connection

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # Deleted content is overwritten, not left in free pages of the file.
    "PRAGMA secure_delete=ON",
)


async def fetch_one(
    conn: Connection, sql: str, params: Iterable[object] = ()
) -> aiosqlite.Row | None:
    """One row, read in a single step: no statement stays open while other tasks run
    (an open statement would hold every read on the shared connection to an old snapshot)."""
    rows = await conn.execute_fetchall(sql, tuple(params))
    return next(iter(rows), None)


async def fetch_all(
    conn: Connection, sql: str, params: Iterable[object] = ()
) -> list[aiosqlite.Row]:
    """All rows, read in a single step (see fetch_one)."""
    return list(await conn.execute_fetchall(sql, tuple(params)))


def to_db(moment: datetime) -> str:
    """Aware datetimes are stored as fixed-width UTC ISO text, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(value: str) -> datetime:
    return datetime.fromisoformat(value)


class DatabaseUnavailable(Exception):
    """The database cannot be opened or written; the message says why, in one line."""


def describe_error(path: Path, exc: BaseException) -> str:
    """One line for the person running the program: what is wrong with the database file."""
    message = str(exc).lower()
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in message or "malformed" in message or "file is encrypted" in message
    ):
        return f"{path} is not a Privacyloket database"
    if "disk is full" in message or "disk i/o" in message:
        return f"{path}: the disk is full or failing; nothing was changed"
    if "readonly" in message or "read-only" in message:
        return f"{path}: cannot write the database (is it or its folder read-only?)"
    if "unable to open" in message:
        return f"{path}: cannot open the database (does the folder exist and is it writable?)"
    if "locked" in message or "busy" in message:
        return f"{path}: the database is in use by another process"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{path}: {exc.strerror}"
    return f"{path}: database error ({exc})"


async def _connect(path: Path) -> Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            await conn.execute(pragma)
    except BaseException:
        # A connection left open keeps its thread, and the process, alive.
        await conn.close()
        raise
    return conn


async def _check_is_ours(conn: Connection, path: Path) -> None:
    """A SQLite file of another program (tables, but no schema version of ours) is refused."""
    if await schema_version(conn) == 0 and await fetch_one(
        conn, "SELECT 1 FROM sqlite_master LIMIT 1"
    ):
        raise DatabaseUnavailable(f"{path} is not a Privacyloket database")


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: Connection | None = None
        self._reader: Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self, *, migrate: bool = True) -> None:
        """Open (and migrate) the database; DatabaseUnavailable says in one line what is wrong.

        On any failure every connection opened so far is closed again.
        """
        try:
            if self.path.is_dir():
                raise DatabaseUnavailable(f"{self.path} is a folder, not a database file")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"{self.path.parent}: cannot create the folder ({exc.strerror})"
                ) from None
            self._writer = await _connect(self.path)
            await _check_is_ours(self._writer, self.path)
            if migrate:
                try:
                    await apply_migrations(self._writer)
                except RuntimeError as exc:  # a schema newer than this program
                    raise DatabaseUnavailable(f"{self.path}: {exc}") from None
            self._reader = await _connect(self.path)
            await self._reader.execute("PRAGMA query_only=ON")
        except (sqlite3.Error, OSError) as exc:
            await self.close()
            raise DatabaseUnavailable(describe_error(self.path, exc)) from None
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A writing unit of work: committed when the block ends, rolled back on error."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.rollback()
                raise
            else:
                await self._writer.commit()

    async def compact(self) -> bool:
        """Rebuild the database file and empty the write-ahead log, so that no byte of a
        deleted row is left in either file. ``secure_delete`` overwrites a row where it is
        deleted, but not an older copy of it that a page rebalance left in a page's unused
        space; ``VACUUM`` writes every page afresh from the live rows only. True when the
        log was emptied (False: a reader held it open; the next run tries again)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._lock:
            await self._writer.execute("VACUUM")
        return await self.checkpoint()

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and empty it; True when it was
        emptied (False: a reader held it open)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._lock:
            row = await fetch_one(self._writer, "PRAGMA wal_checkpoint(TRUNCATE)")
        return row is not None and row[0] == 0

    @property
    def reader(self) -> Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader
