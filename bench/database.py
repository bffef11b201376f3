"""The benchmark's database on either engine: a SQLite file in the run's folder, or a
database of its own on a PostgreSQL server (``python -m bench --postgresql URL``), and plain
connections to it beside the bot (to fill it with cases, to time queries)."""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from storage.postgresql import to_postgresql


class Raw:
    """A plain connection with ``?`` (or ``:name``) placeholders on both engines."""

    def __init__(self, conn: sqlite3.Connection | psycopg.Connection[Any]) -> None:
        self._conn = conn

    @property
    def postgresql(self) -> bool:
        return isinstance(self._conn, psycopg.Connection)

    def execute(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> list[tuple[Any, ...]]:
        if isinstance(self._conn, psycopg.Connection):
            if isinstance(params, Mapping):
                sql = re.sub(r":(\w+)", r"%(\1)s", sql.replace("%", "%%"))
                cursor = self._conn.execute(sql, dict(params))
            else:
                cursor = self._conn.execute(to_postgresql(sql), tuple(params))
            return list(cursor.fetchall()) if cursor.description else []
        return list(self._conn.execute(sql, params).fetchall())

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if isinstance(self._conn, psycopg.Connection):
            with self._conn.cursor() as cursor:
                cursor.executemany(to_postgresql(sql), rows)
        else:
            self._conn.executemany(sql, rows)


@contextmanager
def connect(database: str) -> Iterator[Raw]:
    """A connection that commits when the block ends."""
    if database.startswith("postgresql://"):
        with psycopg.connect(database) as pg:
            yield Raw(pg)
        return
    with closing(sqlite3.connect(database)) as conn, conn:
        yield Raw(conn)


@contextmanager
def bench_database(folder: Path, server: str | None) -> Iterator[str]:
    """The setting of the run's database, removed afterwards."""
    if server is None:
        yield str(folder / "bench.db")
        return
    name = f"privacyloket_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
