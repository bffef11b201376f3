"""Which engine a database setting names, and opening it: a PostgreSQL URL, or a SQLite
file (``sqlite:///path`` or a plain path). Kept apart from storage.db, the interface both
engines implement, so that the interface knows neither engine."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database


def is_postgresql(setting: str | Path) -> bool:
    text = str(setting)
    return text.startswith(("postgresql://", "postgres://"))


def open_database(setting: str | Path) -> Database:
    """The database a setting names (not opened yet): a PostgreSQL URL, ``sqlite:///path``
    or a file path. Anything else with a scheme is refused with a ValueError."""
    text = str(setting)
    if is_postgresql(text):
        from storage.postgresql import PostgresDatabase

        return PostgresDatabase(text)
    from storage.sqlite import SqliteDatabase

    return SqliteDatabase(sqlite_path(text))


def sqlite_path(setting: str) -> Path:
    """The file of a SQLite setting: ``sqlite:///relative``, ``sqlite:////absolute`` or a
    plain path. A value with any other scheme (``mysql://``) is a ValueError."""
    if setting.startswith("sqlite:///"):
        return Path(setting.removeprefix("sqlite:///"))
    if "://" in setting:
        scheme = setting.split("://", 1)[0]
        raise ValueError(
            f"unknown database scheme {scheme!r}: use a file path, sqlite:///path or "
            "postgresql://user@host:port/db"
        )
    return Path(setting)


def describe_error(setting: str, exc: BaseException) -> str:
    """One line about a database error, for the database a setting names."""
    try:
        database = open_database(setting)
    except ValueError:
        return f"database error ({type(exc).__name__})"
    return database.describe_error(exc)
