"""One set of migrations: both engines end with the same tables and columns, from an empty
database, and workers that start at once on PostgreSQL migrate it once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import psycopg
import pytest

from storage import migrations
from storage.postgresql import PostgresDatabase
from storage.sqlite import SqliteDatabase
from tests import engines


def test_each_engine_has_every_migration_once() -> None:
    sqlite = migrations.migration_files("sqlite")
    postgresql = migrations.migration_files("postgresql")
    assert [n for n, _ in sqlite] == [n for n, _ in postgresql]
    for (_, a), (_, b) in zip(sqlite, postgresql, strict=True):
        assert a.name.split(".")[0] == b.name.split(".")[0]


def _sqlite_columns(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(r[1] for r in conn.execute(f"PRAGMA table_info({t})")) for t in tables}


def _postgresql_columns(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY 1, 2"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


@pytest.mark.postgresql_only
async def test_both_engines_migrate_an_empty_database_to_the_same_tables(tmp_path: Path) -> None:
    async with SqliteDatabase(tmp_path / "parity.db"):
        pass
    url = engines.url_of(engines.new_database())
    async with PostgresDatabase(url) as db:
        assert await db.schema_version() == len(migrations.migration_files("postgresql"))
    sqlite = _sqlite_columns(tmp_path / "parity.db")
    postgresql = _postgresql_columns(url)
    # PostgreSQL's own bookkeeping: the schema version (SQLite: PRAGMA user_version), the
    # audit trail's highest id (SQLite: sqlite_sequence) and the rate budget the workers
    # share (SQLite: one process keeps it in memory).
    assert postgresql.pop("privacyloket_schema") == ["version"]
    assert postgresql.pop("audit_high_water") == ["id", "seq"]
    assert postgresql.pop("rate_budget") == ["at", "name", "tokens"]
    assert postgresql == sqlite


@pytest.mark.postgresql_only
async def test_workers_that_start_at_once_migrate_once() -> None:
    url = engines.url_of(engines.new_database())
    workers = [PostgresDatabase(url) for _ in range(4)]
    await asyncio.gather(*(w.open() for w in workers))
    try:
        versions = {await w.schema_version() for w in workers}
    finally:
        for w in workers:
            await w.close()
    assert versions == {len(migrations.migration_files("postgresql"))}


@pytest.mark.postgresql_only
async def test_a_database_of_another_program_is_refused() -> None:
    url = engines.url_of(engines.new_database())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    db = PostgresDatabase(url)
    with pytest.raises(Exception, match="not a Privacyloket database"):
        await db.open()
