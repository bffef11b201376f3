from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import Services
from tests.database_templates import DatabaseTemplates
from tests.support import FakeClock, make_settings


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
