"""The database behind every repository: one interface, two engines.

``PRIVACYLOKET_DATABASE`` names a SQLite file (one bot process, the default) or a
PostgreSQL server (``postgresql://user@host:port/db``: any number of bot processes).
Repositories in ``storage/`` write their SQL once, with ``?`` placeholders, in the common
part of both dialects; a statement that differs is kept in the repository as a
:class:`Dialects` pair, so the difference is in view where the statement is used.

A writing unit of work is ``async with db.transaction() as conn``: committed when the block
ends, rolled back on an error, and never interleaved with another writer, in this process or
(PostgreSQL) any other. Reads outside a unit of work go through ``db.reader``.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    """A result row: by position, by column name, and as a sequence."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Dialects:
    """One statement as each engine writes it."""

    sqlite: str
    postgresql: str

    def of(self, conn: Connection) -> str:
        return self.sqlite if conn.dialect == "sqlite" else self.postgresql


class Connection(abc.ABC):
    """A connection in use: inside a unit of work, or the reader."""

    dialect: ClassVar[Dialect]

    @abc.abstractmethod
    async def execute(self, sql: str, params: Iterable[object] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...

    @abc.abstractmethod
    async def fetch_all(self, sql: str, params: Iterable[object] = ()) -> list[Row]:
        """Every row, read in a single step: no statement stays open while other tasks run."""

    @abc.abstractmethod
    def snapshot(self) -> AbstractAsyncContextManager[Connection]:
        """A connection on which every read sees one snapshot of the database (one read
        transaction), so rows written meanwhile neither appear half-way nor look like gaps."""


async def fetch_one(conn: Connection, sql: str, params: Iterable[object] = ()) -> Row | None:
    """One row (or None), read in a single step."""
    rows = await conn.fetch_all(sql, params)
    return rows[0] if rows else None


async def fetch_all(conn: Connection, sql: str, params: Iterable[object] = ()) -> list[Row]:
    """All rows, read in a single step."""
    return await conn.fetch_all(sql, params)


def to_db(moment: datetime) -> str:
    """Aware datetimes are stored as fixed-width UTC ISO text, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(value: str) -> datetime:
    return datetime.fromisoformat(value)


class DatabaseUnavailable(Exception):
    """The database cannot be opened or written; the message says why, in one line."""


class Lease(abc.ABC):
    """A named lock held by this process until released (or until the process dies).

    On SQLite one process owns the database, so every lease is granted at once. On
    PostgreSQL a lease is a session advisory lock: the server drops it when the process's
    connection ends, so a worker killed with SIGKILL holds nothing."""

    @abc.abstractmethod
    async def try_acquire(self, name: str | int) -> bool:
        """Take the lease ``name`` if nobody holds it; True when this process holds it."""

    @abc.abstractmethod
    async def release(self, name: str | int) -> None: ...

    @abc.abstractmethod
    def held(self, name: str | int) -> bool: ...


class Database(abc.ABC):
    engine: ClassVar[Dialect]
    shared: ClassVar[bool]
    """Whether several bot processes may use the database at once."""

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """What to call the database in a message: a file, or a URL without its password."""

    @abc.abstractmethod
    async def open(self, *, migrate: bool = True) -> None:
        """Open (and migrate) the database; DatabaseUnavailable says in one line what is wrong.

        On any failure every connection opened so far is closed again."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abc.abstractmethod
    def transaction(self, *, flush: bool = True) -> AbstractAsyncContextManager[Connection]:
        """A writing unit of work: committed when the block ends, rolled back on error.

        ``flush=False``: the commit need not wait for the disk, for bookkeeping that a crash
        of the database server may lose at no cost (a claim's attempt count). PostgreSQL
        honours it; SQLite always flushes (synchronous=FULL)."""

    @property
    @abc.abstractmethod
    def reader(self) -> Connection: ...

    @abc.abstractmethod
    async def schema_version(self) -> int: ...

    @abc.abstractmethod
    async def compact(self) -> bool:
        """Rewrite storage so that deleted rows leave no bytes behind where the engine can;
        True when it was done completely."""

    @abc.abstractmethod
    async def checkpoint(self) -> bool: ...

    @property
    @abc.abstractmethod
    def leases(self) -> Lease: ...

    def describe_error(self, exc: BaseException) -> str:
        """One line for the person running the program: what is wrong with the database."""
        return f"{self.name}: database error ({type(exc).__name__})"

    @abc.abstractmethod
    def is_error(self, exc: BaseException) -> bool:
        """Whether ``exc`` is this engine's database error."""


async def iterate_rows(
    conn: Connection, sql: str, key: str, page: int = 1000
) -> AsyncIterator[Row]:
    """Every row of ``sql`` (which must end in ``WHERE <key> > ? ORDER BY <key> LIMIT ?``),
    a page at a time."""
    after: object = 0
    while rows := await conn.fetch_all(sql, (after, page)):
        for row in rows:
            yield row
        after = rows[-1][key]


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` is an error of either engine's driver."""
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        return True
    import psycopg
    import psycopg_pool

    return isinstance(exc, psycopg.Error | psycopg_pool.PoolTimeout)
