"""Copying a SQLite deployment into an empty PostgreSQL database, table by table, in one
transaction on the target (``privacyloket migrate-database``).

Both databases are at the same schema version first (the same tables and columns,
tests/test_engine_parity.py). Tables are copied parents before children (their foreign
keys), every column by name, ids kept; each identity then continues after the highest id
copied. The audit trail's rows are inserted as they are, so its chain (and the trigger that
keeps its highest id) carries over unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.postgresql import PostgresDatabase
from storage.sqlite import SqliteDatabase

PAGE = 1000


class TargetNotEmpty(Exception):
    """The target database already holds rows."""


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    source: int
    target: int


async def _tables(source: SqliteDatabase) -> list[str]:
    """The source's tables, each after the tables its foreign keys point to."""
    raw = source.reader_raw
    names = [
        str(r[0])
        for r in await raw.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    parents = {
        name: {
            str(r[2])
            for r in await raw.execute_fetchall(f"PRAGMA foreign_key_list({name})")
            if str(r[2]) != name
        }
        for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise RuntimeError("the tables' foreign keys form a cycle")
        ordered += ready
    return ordered


async def count_rows(db: SqliteDatabase | PostgresDatabase, tables: list[str]) -> dict[str, int]:
    found = {}
    for table in tables:
        rows = await db.reader.fetch_all(f"SELECT COUNT(*) FROM {table}")
        found[table] = int(rows[0][0])
    return found


async def copy_to_postgresql(
    source: SqliteDatabase,
    target: PostgresDatabase,
    progress: Callable[[str, int], None] | None = None,
) -> list[Copied]:
    """Copy every row; TargetNotEmpty when the target holds any. Returns the row counts of
    both sides, read after the copy was committed."""
    tables = await _tables(source)
    before = await count_rows(target, tables)
    filled = [t for t, n in before.items() if n]
    if filled:
        raise TargetNotEmpty(", ".join(filled))
    raw = source.reader_raw
    async with target.transaction() as conn:
        for table in tables:
            columns = [
                str(r[1]) for r in await raw.execute_fetchall(f"PRAGMA table_info({table})")
            ]
            listed = ", ".join(columns)
            insert = f"INSERT INTO {table} ({listed}) VALUES ({', '.join('?' * len(columns))})"
            after, copied = 0, 0
            while rows := list(
                await raw.execute_fetchall(
                    f"SELECT rowid, {listed} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (after, PAGE),
                )
            ):
                await conn.executemany(insert, [tuple(r)[1:] for r in rows])
                after = int(rows[-1][0])
                copied += len(rows)
                if progress is not None:
                    progress(table, copied)
            if "id" in columns:
                await conn.fetch_all(
                    "SELECT setval(pg_get_serial_sequence(?, 'id'), MAX(id)) FROM "
                    f"{table} WHERE pg_get_serial_sequence(?, 'id') IS NOT NULL "
                    "HAVING MAX(id) IS NOT NULL",
                    (table, table),
                )
    source_counts = await count_rows(source, tables)
    target_counts = await count_rows(target, tables)
    return [Copied(t, source_counts[t], target_counts[t]) for t in tables]
