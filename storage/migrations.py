"""Numbered SQL migrations (``NNNN_name.sql``), applied in order via PRAGMA user_version."""

from __future__ import annotations

import re
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, Path]]:
    found = []
    for path in MIGRATIONS_DIR.iterdir():
        if m := _NAME.match(path.name):
            found.append((int(m[1]), path))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(conn: aiosqlite.Connection) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    current = await schema_version(conn)
    files = migration_files()
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
