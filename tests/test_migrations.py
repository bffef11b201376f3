"""Migrations keep every row and every reference, also when a table is rebuilt."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import migrations
from storage.sqlite import SqliteDatabase

AT = "2026-11-02T09:00:00.000000+00:00"


def _version_2_with_a_case(tmp_path: Path) -> None:
    """The rows a school had before restriction and objection existed, written as that
    version wrote them."""
    with sqlite3.connect(tmp_path / "test.db") as conn:
        conn.executescript(
            f"""
            INSERT INTO schools (id, slug, name) VALUES (1, 'cbs-klimop', 'cbs Klimop');
            INSERT INTO school_groups (id, school_id, name) VALUES (1, 1, '3');
            INSERT INTO students (id, school_id, external_id, first_name, last_name,
                birth_date_mac, group_id) VALUES (1, 1, 'L1001', 'Zoë', 'de Jong', 'mac', 1);
            INSERT INTO guardians (id, school_id, external_id, name, language)
                VALUES (1, 1, 'O2001', 'Marieke de Jong', 'nl');
            INSERT INTO cases (id, school_id, year, seq, kind, status, student_id,
                guardian_id, received_at, due_on, assignee_role, free_text)
                VALUES (7, 1, 2026, 1, 'rectification', 'submitted', 1, 1, '{AT}',
                '2026-12-02', 'teacher', x'00ff');
            INSERT INTO case_events (case_id, at, actor_role, event)
                VALUES (7, '{AT}', 'guardian', 'submitted');
            INSERT INTO consent_ledger (school_id, student_id, guardian_id, purpose, granted,
                at, case_id) VALUES (1, 1, 1, 'website', 1, '{AT}', 7);
            INSERT INTO outbox (ref, school_id, chat_id, case_id, body, created_at,
                next_attempt_at) VALUES ('r1', 1, 5001, 7, x'01', '{AT}', '{AT}');
            """
        )


async def test_rebuilding_the_cases_table_keeps_cases_and_their_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_two = tmp_path / "migrations"
    first_two.mkdir()
    for path in sorted(migrations.MIGRATIONS_DIR.glob("000[12]_*.sqlite.sql")):
        shutil.copy(path, first_two / path.name)
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS_DIR", first_two)
        async with SqliteDatabase(tmp_path / "test.db"):
            pass
    _version_2_with_a_case(tmp_path)

    async with SqliteDatabase(tmp_path / "test.db"):
        pass  # every migration since

    with sqlite3.connect(tmp_path / "test.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(
            migrations.migration_files("sqlite")
        )
        row = conn.execute("SELECT kind, status, free_text FROM cases WHERE id = 7").fetchone()
        assert row == ("rectification", "submitted", b"\x00\xff")
        assert conn.execute("SELECT COUNT(*) FROM case_events WHERE case_id = 7").fetchone() == (
            1,
        )
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        ref = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'case_events'").fetchone()
        assert "REFERENCES cases(id)" in ref[0]
        conn.execute("PRAGMA foreign_keys=ON")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM cases WHERE id = 7")
        conn.execute(
            "INSERT INTO cases (school_id, year, seq, kind, status, student_id, guardian_id, "
            "received_at, due_on, assignee_role, idempotency_key) VALUES "
            "(1, 2026, 2, 'objection', 'submitted', 1, 1, ?, '2026-12-02', 'director', 'k1')",
            (AT,),
        )
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                "INSERT INTO cases (school_id, year, seq, kind, status, student_id, "
                "guardian_id, received_at, due_on, assignee_role, idempotency_key) VALUES "
                "(1, 2026, 3, 'restriction', 'submitted', 1, 1, ?, '2026-12-02', 'director', "
                "'k1')",
                (AT,),
            )
