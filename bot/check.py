"""``privacyloket check``: the effective settings and school configs, and what is wrong.

The ICT coordinator's first call when something does not work. It changes nothing, never
prints the bot token or the secret, and names every problem it finds.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any, TextIO

from bot.errors import UserFacingError, count
from bot.schools.config import load_schools
from bot.security.keys import mac_hex
from bot.settings import Settings, load_settings
from storage.migrations import migration_files


def _setting_lines(settings: Settings) -> list[tuple[str, str]]:
    token = "set (not shown)" if settings.bot_token is not None else "not set"
    if settings.secret_key is not None:
        secret = "set (not shown)"
    else:
        secret = f"not set: the key file is used ({settings.key_file})"
    previous = len(settings.previous_secret_keys)
    return [
        ("BOT_TOKEN", token),
        ("BOT_USERNAME", settings.bot_username or "not set"),
        ("DATABASE", settings.database_name),
        ("SCHOOLS", str(settings.schools)),
        ("API_BASE_URL", settings.api_base_url),
        ("SECRET_KEY", secret),
        ("KEY_FILE", str(settings.key_file)),
        ("PREVIOUS_SECRET_KEYS", f"{previous} (not shown)" if previous else "none"),
        ("LOG_LEVEL", settings.log_level),
        ("GUARDIAN_CODE_DAYS", str(settings.guardian_code_days)),
        ("STAFF_CODE_DAYS", str(settings.staff_code_days)),
    ]


def _database_state(settings: Settings, problems: list[str]) -> str:
    if settings.on_postgresql:
        return _postgresql_state(settings, problems)
    path = settings.database_file
    if path.is_dir():
        problems.append(f"{path} is a folder, not a database file")
        return "a folder"
    if not path.exists():
        problems.append(f"{path} does not exist yet: run 'privacyloket init'")
        return "not created yet"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version == 0:
                problems.append(f"{path} is not a Privacyloket database")
                return "not a Privacyloket database"
            row = conn.execute("SELECT key_check FROM deployment WHERE id = 1").fetchone()
    except sqlite3.Error:
        problems.append(f"{path} is not a Privacyloket database (or cannot be read)")
        return "unreadable"
    return _version_and_key(settings, str(path), version, row, problems)


def _postgresql_state(settings: Settings, problems: list[str]) -> str:
    """The same report for a PostgreSQL database, read in a read-only transaction."""
    import psycopg

    name = settings.database_name
    try:
        with closing(psycopg.connect(settings.database, connect_timeout=10)) as conn:
            conn.read_only = True
            found = conn.execute("SELECT to_regclass('privacyloket_schema')").fetchone()
            if found is None or found[0] is None:
                problems.append(f"{name} has no Privacyloket tables yet: run 'privacyloket init'")
                return "not set up yet"
            version_row = conn.execute("SELECT version FROM privacyloket_schema").fetchone()
            version = int(version_row[0]) if version_row else 0
            row = conn.execute("SELECT key_check FROM deployment WHERE id = 1").fetchone()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0].split(": ")[-1] if str(exc).strip() else ""
        problems.append(f"PRIVACYLOKET_DATABASE: cannot reach {name} ({reason})")
        return "cannot be reached"
    except psycopg.Error:
        problems.append(f"{name} is not a Privacyloket database (or cannot be read)")
        return "unreadable"
    return _version_and_key(settings, name, version, row, problems)


def _version_and_key(
    settings: Settings, path: str, version: int, row: Any, problems: list[str]
) -> str:
    known = len(migration_files())
    state = f"schema version {version} of {known}"
    if version < known:
        state += " (run 'privacyloket init' to update it)"
        problems.append(f"{path}: the schema is out of date: run 'privacyloket init'")
    elif version > known:
        problems.append(f"{path}: the schema is newer than this program: update Privacyloket")
    if row is not None:
        try:
            keys = settings.keys()
        except UserFacingError:
            return state  # the key problem is reported on its own
        if mac_hex(keys.pseudonyms, "key-check") != str(row[0]):
            problems.append(f"{path} was set up with another secret key than the one configured")
            state += "; set up with ANOTHER secret key"
        else:
            state += "; the secret key matches"
    return state


def run_check(out: TextIO) -> int:
    """Print the report; 0 when everything looks fine, 1 when something is wrong."""
    problems: list[str] = []
    try:
        settings = load_settings()
    except UserFacingError as exc:
        print("Settings: cannot be read", file=out)
        for problem in exc.problems or [str(exc)]:
            print(f"  problem: {problem}", file=out)
        return 1

    print("Settings (PRIVACYLOKET_*, from the environment or .env):", file=out)
    for name, value in _setting_lines(settings):
        print(f"  {name:<22} {value}", file=out)
    if settings.bot_token is None:
        problems.append("PRIVACYLOKET_BOT_TOKEN is not set: 'privacyloket run' needs it")
    if settings.bot_username is None:
        problems.append(
            "PRIVACYLOKET_BOT_USERNAME is not set: letters need it (or pass --bot-username)"
        )

    print("Schools:", file=out)
    try:
        schools = load_schools(settings.schools)
    except UserFacingError as exc:
        print("  none loaded", file=out)
        problems += exc.problems or [str(exc)]
    else:
        for slug, school in sorted(schools.items()):
            print(f"  {slug:<22} {school.name}", file=out)

    print("Secret key:", file=out)
    try:
        settings.keys()
    except UserFacingError as exc:
        print("  not usable", file=out)
        problems.append(str(exc))
    else:
        where = "PRIVACYLOKET_SECRET_KEY" if settings.secret_key else str(settings.key_file)
        print(f"  from {where}", file=out)

    print("Database:", file=out)
    print(f"  {_database_state(settings, problems)}", file=out)

    if problems:
        print(f"{count(len(problems), 'problem')}:", file=out)
        for problem in problems:
            print(f"  {problem}", file=out)
        return 1
    print("Everything looks fine.", file=out)
    return 0
