"""The database as someone with direct access sees it: beside the bot's own code, on either
engine (to tamper with it, or to look at what is stored)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any

import psycopg

from bot.services import Services
from storage.postgresql import to_postgresql

REFUSED: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.Error)
"""What a guard (a trigger, a constraint) raises when it refuses a change."""


class Raw:
    """A plain connection in autocommit mode, with ``?`` placeholders on both engines."""

    def __init__(self, conn: sqlite3.Connection | psycopg.Connection[Any]) -> None:
        self._conn = conn

    @property
    def postgresql(self) -> bool:
        return isinstance(self._conn, psycopg.Connection)

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        if isinstance(self._conn, psycopg.Connection):
            cursor = self._conn.execute(to_postgresql(sql), tuple(params))
            return list(cursor.fetchall()) if cursor.description else []
        return list(self._conn.execute(sql, tuple(params)).fetchall())

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...]:
        rows = self.execute(sql, params)
        assert rows, sql
        return rows[0]


@contextmanager
def raw_database(s: Services) -> Iterator[Raw]:
    if s.settings.on_postgresql:
        with closing(psycopg.connect(s.settings.database, autocommit=True)) as pg:
            yield Raw(pg)
        return
    with closing(sqlite3.connect(s.settings.database_file, isolation_level=None)) as conn:
        yield Raw(conn)


def drop_trigger(raw: Raw, trigger: str, table: str) -> None:
    raw.execute(
        f"DROP TRIGGER {trigger} ON {table}" if raw.postgresql else f"DROP TRIGGER {trigger}"
    )


def lower_audit_sequence(raw: Raw, to: int) -> None:
    """What hides a cut of the newest events from the chain alone."""
    if raw.postgresql:
        raw.execute("UPDATE audit_high_water SET seq = ? WHERE id = 1", (to,))
    else:
        raw.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_events'", (to,))


def stored_bytes(s: Services) -> bytes:
    """Everything the database holds, as an attacker with its files would search it: the
    SQLite file and its logs, or (PostgreSQL) every value of every table, text as UTF-8."""
    if not s.settings.on_postgresql:
        path = s.settings.database_file
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))
    found: list[bytes] = []
    with raw_database(s) as raw:
        tables = raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        for (table,) in tables:
            for row in raw.execute(f"SELECT * FROM {table}"):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        found.append(bytes(value))
                    elif value is not None:
                        found.append(str(value).encode())
    return b"\n".join(found)
