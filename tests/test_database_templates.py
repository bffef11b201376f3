"""The copied databases the fixtures hand out are what migrating and importing would leave,
and each copy is a test's own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from tests.database_templates import DatabaseTemplates
from tests.domain_helpers import three_audit_events
from tests.support import ROSTER_CSV, SCHOOL_TOML, FakeClock, make_settings


def _dump(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return list(conn.iterdump())


def _two_schools(folder: Path) -> Path:
    folder.mkdir()
    klimop = SCHOOL_TOML.read_text(encoding="utf-8")
    (folder / "cbs-klimop.toml").write_text(klimop, encoding="utf-8")
    linde = klimop.replace('slug = "cbs-klimop"', 'slug = "de-linde"')
    (folder / "de-linde.toml").write_text(linde, encoding="utf-8")
    return folder


@pytest.mark.parametrize("roster", [False, True])
@pytest.mark.parametrize("two_schools", [False, True])
async def test_a_copy_holds_what_migrating_and_importing_leave(
    tmp_path: Path, roster: bool, two_schools: bool
) -> None:
    clock = FakeClock()
    schools = _two_schools(tmp_path / "schools") if two_schools else SCHOOL_TOML
    fresh = make_settings(tmp_path / "fresh", schools=schools)
    s = await Services.start(fresh, clock)
    if roster:
        rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
        await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
    await s.close()

    templates = DatabaseTemplates(tmp_path / "templates")
    copied = make_settings(tmp_path / "copy", schools=schools)
    await templates.copy_into(copied, clock, roster=roster)
    s = await Services.start(copied, clock)
    assert sorted(s.schools) == (["cbs-klimop", "de-linde"] if two_schools else ["cbs-klimop"])
    await s.close()

    assert _dump(copied.database_file) == _dump(fresh.database_file)
    assert any("roster.imported" in line for line in _dump(copied.database_file)) == roster


async def test_each_copy_is_a_tests_own(tmp_path: Path) -> None:
    clock = FakeClock()
    templates = DatabaseTemplates(tmp_path / "templates")
    first, second = make_settings(tmp_path / "first"), make_settings(tmp_path / "second")
    await templates.copy_into(first, clock, roster=True)
    s = await Services.start(first, clock)
    await three_audit_events(s, clock)
    await s.close()

    await templates.copy_into(second, clock, roster=True)
    assert not any("retention.run" in line for line in _dump(second.database_file))
    assert any("retention.run" in line for line in _dump(first.database_file))
    assert [p.name for p in (tmp_path / "templates").iterdir()] == ["0"]


async def test_another_moment_or_secret_gets_its_own_database(tmp_path: Path) -> None:
    templates = DatabaseTemplates(tmp_path / "templates")
    a, b = make_settings(tmp_path / "a"), make_settings(tmp_path / "b")
    await templates.copy_into(a, FakeClock(), roster=True)
    later = FakeClock()
    later.advance(days=1)
    await templates.copy_into(b, later, roster=True)
    other = make_settings(tmp_path / "c", secret_key="another-secret-" + "y" * 40)
    await templates.copy_into(other, FakeClock(), roster=True)
    assert len(list((tmp_path / "templates").iterdir())) == 3
    assert _dump(a.database_file) != _dump(b.database_file)
    # The copy's key check matches the other secret, or starting would refuse it.
    s = await Services.start(other, FakeClock())
    await s.close()


async def test_a_test_that_already_has_a_database_is_refused(tmp_path: Path) -> None:
    templates = DatabaseTemplates(tmp_path / "templates")
    settings = make_settings(tmp_path / "a")
    await templates.copy_into(settings, FakeClock(), roster=False)
    with pytest.raises(FileExistsError):
        await templates.copy_into(settings, FakeClock(), roster=False)
