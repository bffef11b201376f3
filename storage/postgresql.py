"""PostgreSQL: one database, any number of bot processes (psycopg 3 and its pool).

Units of work never interleave, as on SQLite: each takes a transaction-scoped advisory lock
(``pg_advisory_xact_lock``) right after ``BEGIN``, so one unit of work writes at a time
across every process, and every rule that counts on ``BEGIN IMMEDIATE`` (the audit chain's
next id, a case's next number, a code used once) holds unchanged. Reads outside a unit of
work take a pooled connection per statement.

Named leases (a person's updates, the outbox sender, the scheduled jobs) are session
advisory locks on one connection of their own: PostgreSQL releases them when that
connection ends, also when the process is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
import psycopg_pool
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

from storage.db import Connection, Database, DatabaseUnavailable, Lease, Row
from storage.migrations import apply_postgresql_migrations, postgresql_schema_version

log = logging.getLogger(__name__)

POOL_SIZE = 10
CONNECT_TIMEOUT = 10
# A worker whose machine vanished (no FIN, no RST) loses its leases when the server gives up
# on the connection: about 10 s of silence, then 3 probes 5 s apart.
_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def lock_key(name: str | int) -> int:
    """A lease's 64-bit advisory lock key: a person's chat key as it is (so that SQL can tell
    whose updates are being served, storage.inbox), a name hashed."""
    if isinstance(name, int):
        return name
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


WRITE_LOCK = lock_key("privacyloket:write")
# Several statements without parameters: one round trip (simple query protocol).
_BEGIN = f"BEGIN; SELECT pg_advisory_xact_lock({int(WRITE_LOCK)})"
_BEGIN_UNFLUSHED = (
    f"BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock({int(WRITE_LOCK)})"
)


class PgRow(tuple[Any, ...]):
    """A row by position or by column name."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)


def _row_factory(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[PgRow]:
    description = cursor.description or []
    names = {column.name: i for i, column in enumerate(description)}
    kind = type("Row", (PgRow,), {"_names": names})

    def make(values: Sequence[Any]) -> PgRow:
        row: PgRow = kind(values)
        return row

    return make


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|%")


@functools.lru_cache(maxsize=2048)
def to_postgresql(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s``; a literal ``%`` doubled (quoted text kept)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return token.replace("%", "%%")

    return _PLACEHOLDER.sub(swap, sql)


class PgConnection(Connection):
    dialect = "postgresql"

    def __init__(self, raw: psycopg.AsyncConnection[Any]) -> None:
        self.raw = raw

    async def execute(self, sql: str, params: Iterable[object] = ()) -> int:
        cursor = await self.raw.execute(to_postgresql(sql), tuple(params))
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        batch = [tuple(r) for r in rows]
        if batch:
            async with self.raw.cursor() as cursor:
                await cursor.executemany(to_postgresql(sql), batch)

    async def fetch_all(self, sql: str, params: Iterable[object] = ()) -> list[Row]:
        cursor = await self.raw.execute(to_postgresql(sql), tuple(params))
        if cursor.description is None:
            return []
        return list(await cursor.fetchall())

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Connection]:
        async with self.raw.transaction():
            await self.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield self


class PgReader(Connection):
    """Reads on the pool: each statement on a connection of its own, in autocommit."""

    dialect = "postgresql"

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def execute(self, sql: str, params: Iterable[object] = ()) -> int:
        raise RuntimeError("the reader does not write: use db.transaction()")

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        raise RuntimeError("the reader does not write: use db.transaction()")

    async def fetch_all(self, sql: str, params: Iterable[object] = ()) -> list[Row]:
        async with self._pool.connection() as raw:
            return await PgConnection(raw).fetch_all(sql, params)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Connection]:
        async with self._pool.connection() as raw, PgConnection(raw).snapshot() as conn:
            yield conn


class _AdvisoryLeases(Lease):
    """Session advisory locks on one connection of their own."""

    def __init__(self, conninfo: str, configure: Callable[[Any], Any]) -> None:
        self._conninfo = conninfo
        self._configure = configure
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()
        self._held: set[str | int] = set()

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        if self._conn is None or self._conn.closed:
            if self._held:
                log.warning("lost the connection holding %d lease(s)", len(self._held))
            self._held.clear()
            self._conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        return self._conn

    async def try_acquire(self, name: str | int) -> bool:
        async with self._lock:
            if name in self._held:
                return True
            try:
                conn = await self._connection()
                cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),))
                row = await cursor.fetchone()
            except psycopg.OperationalError:
                await self._drop()
                return False
            if row is not None and row[0]:
                self._held.add(name)
                return True
            return False

    async def release(self, name: str | int) -> None:
        async with self._lock:
            if name not in self._held:
                return
            self._held.discard(name)
            try:
                conn = await self._connection()
                await conn.execute("SELECT pg_advisory_unlock(%s)", (lock_key(name),))
            except psycopg.OperationalError:
                await self._drop()

    def held(self, name: str | int) -> bool:
        return name in self._held

    async def _drop(self) -> None:
        self._held.clear()
        if self._conn is not None:
            await self._conn.close()
        self._conn = None

    async def close(self) -> None:
        async with self._lock:
            await self._drop()


def display_url(url: str) -> str:
    """The URL without its password (and without any other secret option)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    user = parts.get("user")
    host = parts.get("host", "")
    port = parts.get("port")
    where = f"{user}@" if user else ""
    where += str(host) + (f":{port}" if port else "")
    return f"postgresql://{where}/{parts.get('dbname', '')}"


def check_url(url: str) -> None:
    """A ValueError when the URL cannot be read (libpq checks a port only when it connects:
    this checks it at once)."""
    try:
        conninfo_to_dict(url)
        urlsplit(url).port  # noqa: B018 - raises for a port that is not a number
    except (psycopg.ProgrammingError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "not a valid URL"
        raise ValueError(f"not a PostgreSQL URL ({reason})") from None


def describe_postgresql_error(name: str, exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.OperationalError | psycopg_pool.PoolTimeout):
        return f"PRIVACYLOKET_DATABASE: cannot reach {name} ({_reason(message)})"
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return f"{name}: the database user may not do this ({_reason(message)})"
    return f"{name}: database error ({type(exc).__name__})"


def _reason(message: str) -> str:
    # libpq puts the host and port in front: keep what went wrong.
    return message.split(": ")[-1][:160]


class PostgresDatabase(Database):
    engine = "postgresql"
    shared = True

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self._pool: AsyncConnectionPool[Any] | None = None
        self._reader: PgReader | None = None
        self._pool_size = pool_size
        self._lock = asyncio.Lock()
        self._leases = _AdvisoryLeases(self._conninfo(), self._configure)

    def _conninfo(self) -> str:
        return make_conninfo(
            self.url,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="privacyloket",
            **_KEEPALIVE,
        )

    @staticmethod
    async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
        conn.row_factory = _row_factory

    @property
    def name(self) -> str:
        return display_url(self.url)

    async def open(self, *, migrate: bool = True) -> None:
        try:
            check_url(self.url)
        except ValueError as exc:
            raise DatabaseUnavailable(f"PRIVACYLOKET_DATABASE: {exc}") from None
        try:
            # One connection first: a server that cannot be reached is one clear line, not
            # a pool retrying in the background.
            first = await psycopg.AsyncConnection.connect(self._conninfo(), autocommit=True)
            try:
                await self._configure(first)
                if migrate:
                    try:
                        await apply_postgresql_migrations(first, WRITE_LOCK)
                    except RuntimeError as exc:
                        raise DatabaseUnavailable(f"{self.name}: {exc}") from None
                elif await postgresql_schema_version(first) is None:
                    raise DatabaseUnavailable(f"{self.name} is not a Privacyloket database")
            finally:
                await first.close()
            pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
                self._conninfo(),
                min_size=1,
                max_size=self._pool_size,
                kwargs={"autocommit": True},
                configure=self._configure,
                open=False,
                name="privacyloket",
            )
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
            self._pool = pool
            self._reader = PgReader(pool)
        except psycopg.Error as exc:
            await self.close()
            raise DatabaseUnavailable(describe_postgresql_error(self.name, exc)) from None
        except psycopg_pool.PoolTimeout as exc:
            await self.close()
            raise DatabaseUnavailable(describe_postgresql_error(self.name, exc)) from None
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        await self._leases.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()
        self._reader = None

    @asynccontextmanager
    async def transaction(self, *, flush: bool = True) -> AsyncIterator[Connection]:
        if self._pool is None:
            raise RuntimeError("database is not open")
        # In this process one writer at a time (no pooled connection waits on the lock);
        # across processes the advisory lock, taken with BEGIN in one round trip.
        async with self._lock, self._pool.connection() as raw:
            await raw.execute(_BEGIN if flush else _BEGIN_UNFLUSHED)
            try:
                yield PgConnection(raw)
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    await raw.execute("ROLLBACK")
                raise
            await raw.execute("COMMIT")

    @property
    def reader(self) -> Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    async def schema_version(self) -> int:
        if self._pool is None:
            raise RuntimeError("database is not open")
        async with self._pool.connection() as raw:
            return await postgresql_schema_version(raw) or 0

    async def compact(self) -> bool:
        """``VACUUM``: the space of deleted rows is reused. PostgreSQL cannot promise that
        their bytes are gone from the files (nor from WAL archives and backups): the
        retention of those is the operator's (docs/scale.md)."""
        if self._pool is None:
            raise RuntimeError("database is not open")
        async with self._pool.connection() as raw:
            await raw.execute("VACUUM")
        return True

    async def checkpoint(self) -> bool:
        return True

    @property
    def leases(self) -> Lease:
        return self._leases

    def describe_error(self, exc: BaseException) -> str:
        return describe_postgresql_error(self.name, exc)

    def is_error(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.Error | psycopg_pool.PoolTimeout)
