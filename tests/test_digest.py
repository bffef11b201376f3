"""The director's digest and the privacy officer's report, against a seeded database."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime

from bot.domain.model import Actor, Kind
from bot.domain.staff_base import StaffActor
from bot.jobs import digest, report
from bot.markup import TELEGRAM_LIMIT
from bot.services import Services
from storage import cases
from storage.db import to_db
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.support import ROSTER_CSV, FakeClock

TEACHER, DIRECTOR, OFFICER = 7001, 7002, 7003


def _at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def _seed(s: Services, clock: FakeClock) -> dict[str, Actor]:
    """Monday 2 November 2026: three requests, one withdrawn, a consent given then withdrawn."""
    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], TEACHER)
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    await link_staff(s, clock, "P. Officier", "privacy_officer", [], OFFICER)
    people = {
        "marieke": await link_guardian(s, clock, "Marieke de Jong", 5001),
        "priya": await link_guardian(s, clock, "Priya Sharma", 5002),
    }
    # The first scheduled digest goes out at 07:30 (06:30 UTC) before anything came in.
    clock.moment = _at(2, 11, 6, 31)
    assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    clock.moment = _at(2, 11, 9)
    zoe = await student_id(s.db.reader, "L1001")
    arjun = await student_id(s.db.reader, "L1004")
    meera = await student_id(s.db.reader, "L1005")
    await s.cases.submit(
        people["marieke"], student_id=zoe, kind=Kind.RECTIFICATION, details={}, text="Oud adres"
    )
    await s.cases.submit(people["priya"], student_id=arjun, kind=Kind.ACCESS, details={})
    gone = await s.cases.submit(people["marieke"], student_id=zoe, kind=Kind.ACCESS, details={})
    await s.cases.withdraw(people["marieke"], gone.id)
    await s.cases.submit(
        people["priya"], student_id=meera, kind=Kind.ERASURE, details={}, text="Geloof"
    )
    await s.consents.change(people["priya"], meera, {"website": True})
    clock.advance(minutes=5)
    await s.consents.change(people["priya"], meera, {"website": False})
    return people


async def test_the_digest_counts_what_came_in_and_what_is_open_in_english_and_dutch(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _seed(s, clock)
    async with s.db.transaction() as conn:  # the director switched to English
        await conn.execute(
            "UPDATE accounts SET language = 'en' WHERE telegram_user_id = ?", (DIRECTOR,)
        )

    clock.moment = _at(3, 11, 6, 31)  # Tuesday 07:31
    assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 0  # once a period
    english = (await queued_for(s, DIRECTOR))[-1]
    assert "Privacy digest cbs Klimop, Tuesday, 3 November 2026" in english
    assert "New requests: 6" in english
    assert (
        "• copy of the dossier: 2 (2026-0002, 2026-0003)\n• correction: 1 (2026-0001)\n"
        "• deletion: 1 (2026-0004)\n• photo consent: 2 (2026-0005, 2026-0006)"
    ) in english
    assert "Open: 5 (5 not picked up yet, 0 being handled)" in english
    assert "• J. de Vries: 3\n• Anna de Wit: 2" in english  # group 7 has no teacher
    assert "Overdue: 0" in english
    assert "Due within 7 days: 2\n• 2026-0005 (photo consent), due 9 Nov 2026" in english
    assert (
        "Photo consent withdrawn: 1; refused as a first answer: 0. Open photo consent tasks: 2."
        in english
    )

    async with s.db.transaction() as conn:
        await conn.execute(
            "UPDATE accounts SET language = 'nl' WHERE telegram_user_id = ?", (DIRECTOR,)
        )
    clock.moment = _at(3, 12, 6, 31)  # Thursday 3 December: the November requests are overdue
    assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    dutch = (await queued_for(s, DIRECTOR))[-1]
    assert "Privacyoverzicht cbs Klimop, donderdag 3 december 2026" in dutch
    assert "Nieuwe verzoeken: 0" in dutch
    assert "Te laat: 5" in dutch
    assert "2026-0001 (correctie), 1 dag te laat" in dutch


async def test_the_digest_names_who_could_not_be_reached_and_codes_to_follow_up(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _seed(s, clock)
    async with s.db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'undeliverable' WHERE chat_id = ? AND case_id IS NOT NULL",
            (TEACHER,),
        )
    text = await digest.on_demand(s.db, clock, 1, s.school("cbs-klimop"))
    assert "Bericht niet bezorgd bij Anna de Wit (verzoek 2026-0001)" in text
    # Unused codes of guardians who never linked expire 30 days after issue.
    clock.advance(days=25)
    text = await digest.on_demand(s.db, clock, 1, s.school("cbs-klimop"))
    assert "Ongebruikte code verloopt binnen 7 dagen:" in text and "Jelle Hoekstra" in text


async def test_a_long_digest_is_split_at_lines_never_cut(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    people = await _seed(s, clock)
    zoe = await student_id(s.db.reader, "L1001")
    for _ in range(120):
        await s.cases.submit(people["marieke"], student_id=zoe, kind=Kind.ACCESS, details={})
    clock.moment = _at(3, 12, 6, 31)  # all overdue: one line each
    await digest.send_due(s.db, s.cipher, clock, s.school_by_id)
    parts = (await queued_for(s, DIRECTOR))[1:]
    assert len(parts) >= 2
    assert all(len(re.sub(r"<[^>]+>", "", p)) <= TELEGRAM_LIMIT for p in parts)
    joined = "\n".join(parts)
    for seq in range(1, 126):
        if seq != 3:  # the withdrawn one
            assert f"2026-{seq:04d} (" in joined


async def test_the_privacy_officer_report_has_numbers_and_no_names_numbers_or_text(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await _seed(s, clock)
    async with s.db.transaction() as conn:  # one correction done on time, one refusal late
        await cases.change_status(
            conn, 1, expected="submitted", status="resolved", closed_at=to_db(_at(6, 11, 9))
        )
        await conn.execute("UPDATE cases SET due_on = '2026-11-03' WHERE id = 4")
        await cases.change_status(
            conn, 4, expected="submitted", status="rejected", closed_at=to_db(_at(5, 11, 9))
        )

    clock.moment = _at(9, 11, 6, 59)  # Monday 07:59: not yet
    assert await report.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    clock.moment = _at(9, 11, 7, 1)
    assert await report.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    assert await report.send_due(s.db, s.cipher, clock, s.school_by_id) == 0
    text = (await queued_for(s, OFFICER))[-1]
    assert "Privacyrapportage, 2 nov 2026 – 8 nov 2026" in text
    assert "<b>cbs Klimop</b>" in text
    assert (
        "correctie: 1 ontvangen, 1 op tijd afgehandeld, 0 te laat afgehandeld, 0 open (waarvan "
        "0 over de antwoorddatum)" in text
    )
    assert "verwijdering: 1 ontvangen, 0 op tijd afgehandeld, 1 te laat" in text
    assert "1 afgewezen" in text

    assert not re.search(r"\d{4}-\d{4}", text)
    assert "Oud adres" not in text and "Geloof" not in text
    with ROSTER_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for value in (row["first_name"], row["last_name"], row["guardian_name"]):
                assert value not in text
    for name in ("Anna de Wit", "J. de Vries", "P. Officier", "Wit", "Vries"):
        assert name not in text


async def test_a_case_extended_twice_in_a_week_counts_once_in_digest_and_report(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    people = await _seed(s, clock)
    del people
    director = StaffActor(DIRECTOR)
    await s.staff_cases.extend(director, 1, 1, "Veel verzoeken")
    await s.staff_cases.extend(director, 1, 1, "Het dossier is omvangrijk")
    clock.moment = _at(9, 11, 7, 1)  # Monday 08:01
    assert await report.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    text = (await queued_for(s, OFFICER))[-1]
    assert (
        "correctie: 1 ontvangen, 0 op tijd afgehandeld, 0 te laat afgehandeld, 1 open (waarvan "
        "0 over de antwoorddatum), 1 verlengd" in text
    )
    digest_text = await digest.on_demand(s.db, clock, 1, s.school("cbs-klimop"))
    assert "Verlengd: 1." in digest_text


async def test_a_first_refusal_is_counted_apart_from_a_withdrawal(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    clock.moment = _at(2, 11, 6, 31)
    await digest.send_due(s.db, s.cipher, clock, s.school_by_id)
    clock.moment = _at(2, 11, 9)
    zoe = await student_id(s.db.reader, "L1001")
    await s.consents.change(marieke, zoe, {"website": False, "newsletter": True})
    clock.advance(minutes=5)
    await s.consents.change(marieke, zoe, {"newsletter": False})
    clock.moment = _at(3, 11, 6, 31)
    assert await digest.send_due(s.db, s.cipher, clock, s.school_by_id) == 1
    dutch = (await queued_for(s, DIRECTOR))[-1]
    assert "Fototoestemming ingetrokken: 1; geweigerd als eerste antwoord: 1." in dutch
