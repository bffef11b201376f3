"""The database connection and its units of work.

One writer connection, guarded by an asyncio lock so that units of work never interleave,
each in ``BEGIN IMMEDIATE``; one reader connection for queries (WAL lets it read while the
writer writes).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from storage.migrations import apply_migrations

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


async def _connect(path: Path) -> Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    for pragma in _PRAGMAS:
        await conn.execute(pragma)
    return conn


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: Connection | None = None
        self._reader: Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self, *, migrate: bool = True) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _connect(self.path)
        if migrate:
            await apply_migrations(self._writer)
        self._reader = await _connect(self.path)
        await self._reader.execute("PRAGMA query_only=ON")

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

    async def checkpoint(self) -> None:
        """Copy the WAL into the database and empty it, so erased rows leave no old copies
        in the -wal file (secure_delete overwrites them in the database file itself)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._lock:
            await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @property
    def reader(self) -> Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader
