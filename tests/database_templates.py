"""Migrated databases, built once per test session and copied for each test.

Migrating a new database and importing the example roster cost more than copying the result.
Each test still gets its own files in its own folder, so nothing passes from one test to the
next; the copy is taken from a closed, checkpointed database (one consistent file, no WAL).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from bot.clock import Clock
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from bot.settings import Settings
from tests import engines
from tests.support import ROSTER_CSV, FakeClock

# What the school configs say, the deployment secret(s), with the roster or not, and when.
_Configuration = tuple[tuple[tuple[str, str], ...], bytes, tuple[str, ...], bool, datetime]


def _school_configs(path: Path) -> tuple[tuple[str, str], ...]:
    """The school config files as load_schools reads them: one file, or every *.toml in a
    folder."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    return tuple((file.name, file.read_text(encoding="utf-8")) for file in files)


class DatabaseTemplates:
    """One database per configuration, built the first time a test asks for it."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._built: dict[_Configuration, Settings] = {}

    async def copy_into(self, settings: Settings, clock: Clock, *, roster: bool) -> None:
        """Leave the database of ``settings`` as ``Services.start`` (and, with ``roster``, the
        import of the example roster of cbs Klimop) leaves a new one at the clock's moment.

        The database records a check of the secret key it was set up with, so a copy is
        reused only for the same secret; the key itself is never written to the database,
        and the key file (if the settings use one) stays the test's own.
        """
        configuration: _Configuration = (
            _school_configs(settings.schools),
            settings.secret(),
            tuple(key.get_secret_value() for key in settings.previous_secret_keys),
            roster,
            clock.now(),
        )
        template = self._built.get(configuration)
        if template is None:
            template = await self._build(settings, clock, roster)
            self._built[configuration] = template
        copies: list[tuple[Path, Path]] = []
        if settings.on_postgresql:
            # The test's own (empty) database becomes a copy of the template.
            _copy_postgresql(template.database, settings.database)
        else:
            copies.append((template.database_file, settings.database_file))
        if template.anchor_file.exists():
            copies.append((template.anchor_file, settings.anchor_file))
        for source, target in copies:
            if target.exists():
                raise FileExistsError(f"{target}: a test's files are copied only once")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)

    async def _build(self, settings: Settings, clock: Clock, roster: bool) -> Settings:
        folder = self._folder / str(len(self._built))
        folder.mkdir(parents=True)
        database: str | Path = (
            engines.url_of(engines.new_template())
            if settings.on_postgresql
            else folder / settings.database_file.name
        )
        template = settings.model_copy(
            update={
                "database": str(database),
                "audit_anchor_file": folder / settings.anchor_file.name,
            }
        )
        at = FakeClock(clock.now())
        services = await Services.start(template, at)
        try:
            if roster:
                rows = parse_roster(ROSTER_CSV.read_bytes(), at.now().date())
                school = services.school("cbs-klimop")
                await import_roster(services.db, services.keys, at, school, rows)
            await services.db.checkpoint()
        finally:
            await services.close()
        left = sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))
        assert not left, f"the template database is more than one file: {left}"
        return template


def _copy_postgresql(template_url: str, target_url: str) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    template = conninfo_to_dict(template_url)["dbname"]
    target = conninfo_to_dict(target_url)["dbname"]
    with psycopg.connect(engines.admin_url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {target} TEMPLATE {template} STRATEGY FILE_COPY")
