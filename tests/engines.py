"""Which database engine the tests run on, and a PostgreSQL database of its own per test.

``pytest`` runs on SQLite. ``pytest --engine=postgresql`` runs the tests that work through
the storage interface (see conftest.py) on the PostgreSQL server at ``TEST_POSTGRESQL_URL``
(a throw-away cluster: ``.ci/postgres start DIR`` prints one), each test on a database of
its own that is dropped when the test ends.
"""

from __future__ import annotations

import itertools
import os
import secrets
from typing import Literal

Engine = Literal["sqlite", "postgresql"]

URL_VARIABLE = "TEST_POSTGRESQL_URL"

engine: Engine = "sqlite"
_created: list[str] = []
_names = itertools.count(1)
_run = secrets.token_hex(3)


def admin_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(
            f"--engine=postgresql needs {URL_VARIABLE}: start a throw-away cluster with "
            "'.ci/postgres start /tmp/pg' and export the URL it prints"
        )
    return url


def url_of(name: str) -> str:
    """The URL of database ``name`` on the test server."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(admin_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_execute(*statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def new_database(template: str | None = None) -> str:
    """A new database (empty, or a copy of ``template``), dropped at the test's end."""
    name = f"t_{_run}_{next(_names)}"
    copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
    _admin_execute(f"CREATE DATABASE {name}{copy}")
    _created.append(name)
    return name


def new_template() -> str:
    """A database to build a template in; kept for the whole run."""
    name = f"tpl_{_run}_{next(_names)}"
    _admin_execute(f"CREATE DATABASE {name}")
    return name


def created() -> list[str]:
    return list(_created)


def drop_created() -> None:
    """Drop the databases made since the last call (connections left are cut)."""
    names = list(_created)
    _created.clear()
    if names:
        _admin_execute(*(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in names))


def drop_templates() -> None:
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"tpl_{_run}_%",)
        ).fetchall()
        for (name,) in rows:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
