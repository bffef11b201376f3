"""Numbered SQL migrations, one set for both engines.

``NNNN_name.sql`` is applied on both engines; where the dialects differ, a migration is a
pair ``NNNN_name.sqlite.sql`` and ``NNNN_name.postgresql.sql`` that leave the same tables,
columns and rules. SQLite records the version in ``PRAGMA user_version``, PostgreSQL in the
one-row table ``privacyloket_schema``; each migration runs in one transaction with its
version.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import aiosqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+(?:\.(sqlite|postgresql))?\.sql$")


def migration_files(engine: Literal["sqlite", "postgresql"] = "sqlite") -> list[tuple[int, Path]]:
    """The migrations of ``engine`` in order: each number once, 1..n without gaps."""
    found: dict[int, list[Path]] = {}
    for path in MIGRATIONS_DIR.iterdir():
        if (m := _NAME.match(path.name)) and m[2] in (None, engine):
            found.setdefault(int(m[1]), []).append(path)
    numbers = sorted(found)
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    doubled = [paths for paths in found.values() if len(paths) > 1]
    if doubled:
        raise RuntimeError(f"a migration for both engines and for one: {doubled[0]}")
    return [(n, found[n][0]) for n in numbers]


# --- SQLite ------------------------------------------------------------------------------


async def sqlite_schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def apply_sqlite_migrations(conn: aiosqlite.Connection) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    current = await sqlite_schema_version(conn)
    files = migration_files("sqlite")
    if current > len(files):
        raise RuntimeError(
            f"the database schema (version {current}) is newer than this program knows"
        )
    applied = 0
    # Foreign keys are off while a migration runs, so that a table can be rebuilt the way
    # SQLite documents it (create, copy, drop, rename); they are checked before COMMIT.
    await conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for number, path in files:
            if number <= current:
                continue
            script = path.read_text(encoding="utf-8")
            try:
                await conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};"
                )
                broken = list(await conn.execute_fetchall("PRAGMA foreign_key_check"))
                if broken:
                    raise RuntimeError(f"migration {path.name} breaks {len(broken)} references")
                await conn.commit()
            except BaseException:
                if conn.in_transaction:
                    await conn.rollback()
                raise
            applied += 1
    finally:
        await conn.execute("PRAGMA foreign_keys=ON")
    return applied


# --- PostgreSQL ----------------------------------------------------------------------------


async def postgresql_schema_version(conn: Any) -> int | None:
    """The version, 0 for an empty database, None for a database with tables of another
    program. ``conn`` is a psycopg AsyncConnection."""
    cursor = await conn.execute("SELECT to_regclass('privacyloket_schema') IS NOT NULL")
    row = await cursor.fetchone()
    if row is not None and row[0]:
        cursor = await conn.execute("SELECT version FROM privacyloket_schema")
        found = await cursor.fetchone()
        return int(found[0]) if found else 0
    cursor = await conn.execute(
        "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() LIMIT 1"
    )
    return None if await cursor.fetchone() else 0


async def apply_postgresql_migrations(conn: Any, write_lock: int) -> int:
    """Bring the schema up to date under the write lock (two workers starting at once
    migrate once); returns the number of migrations applied. ``conn`` is a psycopg
    AsyncConnection in autocommit mode."""
    files = migration_files("postgresql")
    applied = 0
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (write_lock,))
        current = await postgresql_schema_version(conn)
        if current is None:
            raise RuntimeError("this is not a Privacyloket database (it has other tables)")
        if current > len(files):
            raise RuntimeError(
                f"the database schema (version {current}) is newer than this program knows"
            )
        if current == 0:
            await conn.execute(
                "CREATE TABLE privacyloket_schema (version INTEGER NOT NULL);"
                "INSERT INTO privacyloket_schema (version) VALUES (0)"
            )
        for number, path in files:
            if number <= current:
                continue
            async with conn.transaction():  # a savepoint: the version moves with the script
                await conn.execute(path.read_text(encoding="utf-8"))
                await conn.execute("UPDATE privacyloket_schema SET version = %s", (number,))
            applied += 1
    return applied
