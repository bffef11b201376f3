"""Retention of the bot's own data: texts of long-closed cases, old messages, old codes,
and pupils who left long ago are erased; the accountability record stays."""

from __future__ import annotations

import json
import random

import pytest

from bot.domain.model import Kind, Status
from bot.jobs import retention
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage import audit_events, cases
from storage.db import fetch_all, fetch_one, to_db
from tests.domain_helpers import link_guardian, link_staff, student_id
from tests.raw_database import REFUSED, stored_bytes
from tests.support import ROSTER_CSV, FakeClock


async def _run(s: Services, clock: FakeClock) -> retention.Counts:
    return (await retention.run(s.db, s.keys, clock, s.school_by_id))[1]


async def test_the_text_of_a_case_closed_over_a_year_ago_is_erased_and_its_record_kept(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    old = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Oud adres X1"
    )
    await s.cases.withdraw(marieke, old.id)
    clock.advance(days=40)
    recent = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Nieuw adres Y2"
    )
    await s.cases.withdraw(marieke, recent.id)
    blob = (await cases.get(s.db.reader, old.id)).free_text  # type: ignore[union-attr]
    assert blob is not None and blob in stored_bytes(s)
    note = b"internal-note-bytes-" * 4
    async with s.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO case_notes (case_id, staff_id, at, body) VALUES (?, 1, ?, ?)",
            (old.id, to_db(clock.now()), note),
        )

    clock.advance(days=366 - 40)  # the first case closed 366 days ago, the second 326
    counts = await _run(s, clock)

    assert counts.case_texts == 1
    assert (await s.cases.get(marieke, old.id)).text is None
    kept = await s.cases.get(marieke, old.id)
    assert (kept.number, kept.kind, kept.status) == (
        old.number,
        Kind.RECTIFICATION,
        Status.WITHDRAWN,
    )
    assert [e.event for e in await s.cases.timeline(marieke, old.id)] == ["submitted", "withdrawn"]
    assert (await s.cases.get(marieke, recent.id)).text == "Nieuw adres Y2"
    assert blob not in stored_bytes(s)
    assert note not in stored_bytes(s)

    event = [e async for e in audit_events.iterate(s.db.reader) if e.action == "retention.run"]
    assert len(event) == 1 and json.loads(event[0].details)["case_texts"] == 1
    # Once a day: again today does nothing; tomorrow there is nothing left to erase.
    assert await retention.run(s.db, s.keys, clock, s.school_by_id) == {}
    clock.advance(days=1)
    assert (await _run(s, clock)).case_texts == 0


async def test_old_messages_and_used_codes_are_deleted_after_their_periods(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.cases.submit(marieke, student_id=zoe, kind=Kind.ACCESS, details={})
    async with s.db.transaction() as conn:
        await conn.execute("UPDATE outbox SET status = 'sent', sent_at = ?", (to_db(clock.now()),))
    before = await fetch_one(s.db.reader, "SELECT COUNT(*) FROM invitations")
    assert before is not None

    clock.advance(days=29)
    counts = await _run(s, clock)
    assert counts.delivered_messages == 0
    clock.moment = clock.moment.replace(hour=1)  # 02:00 in Amsterdam: not yet due today
    clock.advance(days=1)
    assert await retention.run(s.db, s.keys, clock, s.school_by_id) == {}

    clock.advance(days=1, hours=2)  # 04:00, 31 days after it was sent
    counts = await _run(s, clock)
    assert counts.delivered_messages == 1
    left = await fetch_one(s.db.reader, "SELECT COUNT(*) FROM outbox")
    assert left is not None and left[0] == 0
    # Codes that were used by a linked account stay: they record how it was verified.
    used = await fetch_all(
        s.db.reader,
        "SELECT i.id FROM invitations i JOIN account_links l ON l.invitation_id = i.id",
    )
    assert len(used) == 2


async def test_a_pupil_who_left_over_two_years_ago_is_removed_with_their_parents_links(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    priya = await link_guardian(s, clock, "Priya Sharma", 5002)
    zoe = await student_id(s.db.reader, "L1001")
    change = await s.consents.change(marieke, zoe, {"website": True})
    assert change.case is not None
    case = await s.cases.submit(
        marieke, student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Adres Z3"
    )
    await s.cases.withdraw(marieke, case.id)
    async with s.db.transaction() as conn:  # the teacher recorded the consent
        await cases.change_status(
            conn,
            change.case.id,
            expected="submitted",
            status="resolved",
            closed_at=to_db(clock.now()),
        )

    without_zoe = b"\n".join(
        line for line in ROSTER_CSV.read_bytes().splitlines() if b"L1001" not in line
    )
    clock.advance(days=1)
    school = s.school("cbs-klimop")
    await import_roster(s.db, s.keys, clock, school, parse_roster(without_zoe, clock.now().date()))
    # Zoë had consent for the website: leaving opened a takedown task, which the teacher did.
    [takedown] = [
        c
        for c in await cases.for_guardians(s.db.reader, list(marieke.guardian_ids))
        if "left_on" in c.details
    ]
    async with s.db.transaction() as conn:
        await cases.change_status(
            conn,
            takedown.id,
            expected="submitted",
            status="resolved",
            closed_at=to_db(clock.now()),
        )

    clock.advance(days=365 * 2)
    assert (await _run(s, clock)).pupils_removed == 0  # not yet two years

    clock.advance(days=2)
    counts = await _run(s, clock)

    assert (counts.pupils_removed, counts.consent_rows_purged) == (1, 1)
    assert counts.accounts_forgotten == 1  # Marieke's only child was Zoë
    assert await s.accounts.profile(5001) is None
    assert await s.accounts.profile(5002) is not None  # Priya's children are still there
    assert priya.guardian_ids
    row = await fetch_one(
        s.db.reader, "SELECT first_name, last_name FROM students WHERE id = ?", (zoe,)
    )
    assert row is not None and tuple(row) == ("", "")
    ledger = await fetch_one(
        s.db.reader, "SELECT COUNT(*) FROM consent_ledger WHERE student_id = ?", (zoe,)
    )
    assert ledger is not None and ledger[0] == 0
    record = await fetch_one(
        s.db.reader, "SELECT kind, status FROM cases WHERE id = ?", (case.id,)
    )
    assert record is not None and tuple(record) == ("rectification", "withdrawn")
    stored = stored_bytes(s)
    for name in ("Zoë".encode(), b"Marieke de Jong", b"marieke.dejong@mail.example"):
        assert name not in stored
    assert "Daniël".encode() in stored  # nobody else was touched


async def test_the_consent_ledger_stays_append_only_outside_the_retention_job(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.consents.change(marieke, zoe, {"website": True})
    with pytest.raises(REFUSED, match="append-only"):
        async with s.db.transaction() as conn:
            await conn.execute("DELETE FROM consent_ledger WHERE student_id = ?", (zoe,))
    rows = await fetch_one(s.db.reader, "SELECT COUNT(*) FROM consent_ledger")
    assert rows is not None and rows[0] == 1


@pytest.mark.sqlite_only  # PostgreSQL keeps dead rows until VACUUM (docs/scale.md)
async def test_deleted_outbox_rows_leave_no_bytes_in_the_file(
    school_services: Services, clock: FakeClock
) -> None:
    """With secure_delete alone, SQLite 3.40 left two of these rows in unused page space."""
    s = school_services
    rnd = random.Random(1)
    old = to_db(clock.now())
    markers: dict[str, bytes] = {}
    for n in range(600):
        ref = f"m{n}"
        markers[ref] = b"OUTBOX-%05d-" % n * rnd.randint(3, 30)
        async with s.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO outbox (ref, school_id, chat_id, body, created_at, "
                "next_attempt_at) VALUES (?, 1, 42, ?, ?, ?)",
                (ref, markers[ref], old, old),
            )
            # Earlier messages are delivered meanwhile: each grows, so cells move.
            sent = f"m{rnd.randint(0, n)}"
            await conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, claimed_by = ? WHERE ref = ?",
                (old, "x" * rnd.randint(0, 60), sent),
            )
    clock.advance(days=31)
    rows = await fetch_all(s.db.reader, "SELECT ref FROM outbox WHERE status = 'sent'")
    gone = {str(r[0]) for r in rows}
    counts = (await retention.run(s.db, s.keys, clock, s.school_by_id))[1]
    assert counts.delivered_messages == len(gone) > 100
    stored = stored_bytes(s)
    kept = [ref for ref in markers if ref not in gone]
    assert all(markers[ref][:12] in stored for ref in kept)  # the search does find rows
    assert [ref for ref in gone if markers[ref][:12] in stored] == []
    wal = s.settings.database_file.with_name(s.settings.database_file.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
