"""SQLite: one file, one bot process.

One writer connection, guarded by an asyncio lock so that units of work never interleave,
each in ``BEGIN IMMEDIATE``; one reader connection for queries (WAL lets it read while the
writer writes). A second ``privacyloket run`` on the same file refuses to start
(bot.single_process).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.db import Connection, Database, DatabaseUnavailable, Lease, Row
from storage.migrations import apply_sqlite_migrations, sqlite_schema_version

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # Deleted content is overwritten, not left in free pages of the file.
    "PRAGMA secure_delete=ON",
)


class SqliteConnection(Connection):
    dialect = "sqlite"

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, params: Iterable[object] = ()) -> int:
        cursor = await self.raw.execute(sql, tuple(params))
        changed = cursor.rowcount
        await cursor.close()
        return changed

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        await self.raw.executemany(sql, [tuple(r) for r in rows])

    async def fetch_all(self, sql: str, params: Iterable[object] = ()) -> list[Row]:
        return list(await self.raw.execute_fetchall(sql, tuple(params)))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Connection]:
        # Use a connection of its own: other tasks reading on it would share the snapshot.
        await self.raw.execute("BEGIN")
        try:
            yield self
        finally:
            await self.raw.execute("ROLLBACK")


class _OneProcess(Lease):
    """One process per SQLite file (bot.single_process): every lease is this process's."""

    def __init__(self) -> None:
        self._held: set[str | int] = set()

    async def try_acquire(self, name: str | int) -> bool:
        self._held.add(name)
        return True

    async def release(self, name: str | int) -> None:
        self._held.discard(name)

    def held(self, name: str | int) -> bool:
        return name in self._held


def describe_sqlite_error(path: Path, exc: BaseException) -> str:
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


async def _connect(path: Path) -> aiosqlite.Connection:
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


async def _check_is_ours(conn: aiosqlite.Connection, path: Path) -> None:
    """A SQLite file of another program (tables, but no schema version of ours) is refused."""
    if await sqlite_schema_version(conn) == 0 and await conn.execute_fetchall(
        "SELECT 1 FROM sqlite_master LIMIT 1"
    ):
        raise DatabaseUnavailable(f"{path} is not a Privacyloket database")


class SqliteDatabase(Database):
    engine = "sqlite"
    shared = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: SqliteConnection | None = None
        self._lock = asyncio.Lock()
        self._leases = _OneProcess()

    @property
    def name(self) -> str:
        return str(self.path)

    async def open(self, *, migrate: bool = True) -> None:
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
                    await apply_sqlite_migrations(self._writer)
                except RuntimeError as exc:  # a schema newer than this program
                    raise DatabaseUnavailable(f"{self.path}: {exc}") from None
            reader = await _connect(self.path)
            await reader.execute("PRAGMA query_only=ON")
            self._reader = SqliteConnection(reader)
        except (sqlite3.Error, OSError) as exc:
            await self.close()
            raise DatabaseUnavailable(describe_sqlite_error(self.path, exc)) from None
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        for conn in (self._reader.raw if self._reader else None, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = None
        self._writer = None

    @asynccontextmanager
    async def transaction(self, *, flush: bool = True) -> AsyncIterator[Connection]:
        if self._writer is None:
            raise RuntimeError("database is not open")
        writer = self._writer
        async with self._lock:
            await writer.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteConnection(writer)
            except BaseException:
                await writer.rollback()
                raise
            else:
                await writer.commit()

    @property
    def reader(self) -> Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    async def schema_version(self) -> int:
        return await sqlite_schema_version(self.reader_raw)

    @property
    def reader_raw(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader.raw

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
            rows = list(await self._writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
        return bool(rows) and rows[0][0] == 0

    @property
    def leases(self) -> Lease:
        return self._leases

    def describe_error(self, exc: BaseException) -> str:
        return describe_sqlite_error(self.path, exc)

    def is_error(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.Error)
