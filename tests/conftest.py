from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from tests.support import ROSTER_CSV, FakeClock, make_settings


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


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    started = await Services.start(make_settings(tmp_path), clock)
    try:
        yield started
    finally:
        await started.close()


@pytest.fixture
async def school_services(services: Services, clock: FakeClock) -> Services:
    """Services with the example roster of cbs Klimop imported."""
    school = services.school("cbs-klimop")
    rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
    await import_roster(services.db, services.keys, clock, school, rows)
    return services
