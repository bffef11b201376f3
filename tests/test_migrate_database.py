"""``privacyloket migrate-database --to postgresql://...``: a SQLite deployment copied into an
empty PostgreSQL database, verified by row counts and the audit chain, and the bot then
works on the copy (the same key reads what parents typed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.model import Kind
from bot.security import audit, contexts
from bot.services import Services
from bot.single_process import hold_lock
from storage import cases
from storage.db import fetch_all
from tests import engines
from tests.domain_helpers import link_guardian, link_staff, student_id
from tests.support import SCHOOL_TOML, SECRET, FakeClock, make_settings

pytestmark = pytest.mark.postgresql_only


async def _deployment(tmp_path: Path, clock: FakeClock) -> tuple[int, str]:
    """A SQLite deployment in use: roster, staff, a parent, a case with typed text, a
    consent change, queued notices, audit events and their anchor."""
    from bot.schools.roster import import_roster, parse_roster
    from tests.support import ROSTER_CSV

    settings = make_settings(tmp_path, database=tmp_path / "privacyloket.db")
    s = await Services.start(settings, clock)
    try:
        rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
        await import_roster(s.db, s.keys, clock, s.school("cbs-klimop"), rows)
        await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
        marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
        zoe = await student_id(s.db.reader, "L1001")
        case = await s.cases.submit(
            marieke,
            student_id=zoe,
            kind=Kind.RECTIFICATION,
            details={"category": "identity"},
            text="De achternaam is verkeerd gespeld: XYZZY",
        )
        await s.consents.change(marieke, zoe, {"website": True})
        from bot.jobs.audit_anchor import anchor

        await anchor(s.db, settings.anchor_file, clock)
    finally:
        await s.close()
    return case.id, "De achternaam is verkeerd gespeld: XYZZY"


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRIVACYLOKET_DATABASE", str(tmp_path / "privacyloket.db"))
    monkeypatch.setenv("PRIVACYLOKET_SCHOOLS", str(SCHOOL_TOML))
    monkeypatch.setenv("PRIVACYLOKET_SECRET_KEY", SECRET)
    monkeypatch.setenv("PRIVACYLOKET_KEY_FILE", str(tmp_path / "test.key"))


async def test_a_sqlite_deployment_is_copied_verified_and_works_on_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    case_id, text = await _deployment(tmp_path, clock)
    url = engines.url_of(engines.new_database())
    _env(monkeypatch, tmp_path)

    code = await asyncio.to_thread(main, ["migrate-database", "--to", url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "The bot must be stopped." in out
    lines = out.splitlines()
    counts = {
        parts[0]: (int(parts[1]), int(parts[2]))
        for parts in (line.split() for line in lines)
        if len(parts) == 3 and parts[1].isdigit()
    }
    assert counts["cases"] == (2, 2)  # the correction, and the teacher's consent task
    assert counts["consent_ledger"] == (1, 1)
    assert counts["audit_events"][0] == counts["audit_events"][1] > 5
    assert all(a == b for a, b in counts.values())
    assert any(
        line.startswith("Audit trail on postgresql://") and "intact" in line for line in lines
    )
    assert "the anchor file vouches for events up to" in out

    # The bot on the copy: the same key reads the parent's text, new rows get new ids.
    settings = make_settings(tmp_path / "pg", database=url)
    s = await Services.start(settings, clock)
    try:
        row = await cases.get(s.db.reader, case_id)
        assert row is not None and row.free_text is not None
        assert s.cipher.decrypt_text(row.free_text, contexts.case_text(case_id)) == text
        result = await audit.verify(s.db.reader, s.keys.audit)
        assert result.ok
        marieke = await link_guardian(s, clock, "James Whitfield", 5002)
        zoe = await student_id(s.db.reader, "L1001")
        again = await s.cases.submit(
            marieke, student_id=zoe, kind=Kind.ACCESS, details={}, text=None
        )
        assert again.id > case_id
        ids = await fetch_all(s.db.reader, "SELECT COUNT(*) FROM cases")
        assert ids[0][0] == 3
    finally:
        await s.close()

    # A second copy into the same (no longer empty) database is refused.
    code = await asyncio.to_thread(main, ["migrate-database", "--to", url])
    _out, err = capsys.readouterr()
    assert code == 1 and "is not empty" in err


async def test_a_running_bot_is_stopped_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await _deployment(tmp_path, FakeClock())
    url = engines.url_of(engines.new_database())
    _env(monkeypatch, tmp_path)
    database = tmp_path / "privacyloket.db"
    with hold_lock(database.with_name("privacyloket.db.lock"), database):
        code = await asyncio.to_thread(main, ["migrate-database", "--to", url])
    _out, err = capsys.readouterr()
    assert code == 1
    assert "the bot is running on" in err and "stop it first, then copy it" in err
