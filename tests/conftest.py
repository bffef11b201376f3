from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.services import Services
from tests import engines
from tests.database_templates import DatabaseTemplates
from tests.support import FakeClock, make_settings

# The fixtures that give a test its database through the storage interface: a test that uses
# one runs on PostgreSQL too (pytest --engine=postgresql), unless it is marked sqlite_only.
ENGINE_FIXTURES = frozenset(
    {"services", "school_services", "harness", "database_templates", "engine_database"}
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the database engine: sqlite (every test) or postgresql (the tests that work "
        "through the storage interface, on the server at $TEST_POSTGRESQL_URL)",
    )


def pytest_configure(config: pytest.Config) -> None:
    engines.engine = config.getoption("--engine")
    config.addinivalue_line(
        "markers", "sqlite_only: looks inside the SQLite file; not run on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "postgresql_only: about several workers on one PostgreSQL database"
    )
    if engines.engine == "postgresql":
        engines.admin_url()  # fail at once, with the way to start a server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if engines.engine == "postgresql":
            chosen = (
                bool(fixtures & ENGINE_FIXTURES) and item.get_closest_marker("sqlite_only") is None
            ) or item.get_closest_marker("postgresql_only") is not None
        else:
            chosen = item.get_closest_marker("postgresql_only") is None
        (keep if chosen else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session) -> None:
    if engines.engine == "postgresql":
        engines.drop_created()
        engines.drop_templates()


@pytest.fixture(autouse=True)
def _own_postgresql_databases() -> Iterator[None]:
    """The PostgreSQL databases a test made are dropped when it ends."""
    yield
    if engines.engine == "postgresql":
        engines.drop_created()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's own .env or PRIVACYLOKET_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("PRIVACYLOKET_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> DatabaseTemplates:
    """Migrated databases built once for the whole run; every test works on its own copy."""
    return DatabaseTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
async def services(
    tmp_path: Path,
    clock: FakeClock,
    database_templates: DatabaseTemplates,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Services]:
    """Services on the test's own copy of a migrated database (for a test that uses
    ``school_services``, a copy with the example roster imported)."""
    settings = make_settings(tmp_path)
    roster = "school_services" in request.fixturenames
    await database_templates.copy_into(settings, clock, roster=roster)
    started = await Services.start(settings, clock)
    try:
        yield started
    finally:
        await started.close()


@pytest.fixture
def school_services(services: Services) -> Services:
    """Services with the example roster of cbs Klimop imported."""
    return services
