"""Migrations keep every row and every reference, also when a table is rebuilt."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.domain.cases import Kind
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage import migrations
from tests.domain_helpers import link_guardian, link_staff, student_id
from tests.support import ROSTER_CSV, FakeClock, make_settings


async def test_rebuilding_the_cases_table_keeps_cases_and_their_references(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_two = tmp_path / "migrations"
    first_two.mkdir()
    for path in sorted(migrations.MIGRATIONS_DIR.glob("000[12]_*.sql")):
        shutil.copy(path, first_two / path.name)
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS_DIR", first_two)
        s = await Services.start(make_settings(tmp_path), clock)
        try:
            rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
            await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
            await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
            marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
            zoe = await student_id(s.db.reader, "L1001")
            case = await s.cases.submit(
                marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Adres"
            )
        finally:
            await s.close()

    s = await Services.start(make_settings(tmp_path), clock)
    try:
        migrated = await s.cases.get(marieke, case.id)
        assert (migrated.number, migrated.text) == (case.number, "Adres")
        assert len(await s.cases.timeline(marieke, case.id)) == 1
    finally:
        await s.close()

    with sqlite3.connect(tmp_path / "test.db") as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        ref = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'case_events'").fetchone()
        assert "REFERENCES cases(id)" in ref[0]
        conn.execute("PRAGMA foreign_keys=ON")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM cases WHERE id = ?", (case.id,))
