"""Paper for the guardians a round cannot reach: the forms (names printed as they are, one
page per child, a QR code each), a returned form recorded by staff like any other answer,
and the ledger that says who recorded it; an exchange that ended says so too."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.cli import main
from bot.domain.model import Refused
from bot.domain.rounds.paper import PaperLetter, letters_for
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_parents_rounds import ledger_text
from bot.i18n import use_language
from bot.schools.config import load_school
from bot.schools.consent_letters import Page, write_consent_letters_pdf
from bot.services import Services
from storage import rounds
from storage.db import fetch_all
from tests.database_templates import DatabaseTemplates
from tests.domain_helpers import link_guardian, link_staff, queued_for, student_id
from tests.round_helpers import DIRECTOR, audit_actions, director, ledger, parents, start
from tests.support import SCHOOL_TOML, FakeClock, make_settings

NAMES = ("Ayşe Yılmaz", "Zoë de Jong", "Łukasz Wiśniewski")


def _pages(tmp_path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(tmp_path).pages]


def _letter(name: str, child: str, language: str, linked: bool = False) -> PaperLetter:
    school = load_school(SCHOOL_TOML)
    return PaperLetter(
        guardian_id=1,
        guardian_name=name,
        language=language,
        linked=linked,
        child=child,
        group="3",
        purposes=school.consent_purposes,
        closes_on=date(2026, 11, 16),
        message="Wij vragen het elk jaar opnieuw.",
        round_number=1,
    )


def test_one_page_per_child_with_names_as_they_are(tmp_path: Path) -> None:
    out = tmp_path / "forms.pdf"
    pages = [
        Page(
            _letter(NAMES[0], "Ömer Yılmaz", "nl"),
            "https://t.me/KlimopTestBot?start=X",
            "ABCDE-FGHJK",
            date(2026, 12, 2),
        ),
        Page(
            _letter(NAMES[1], "Zoë de Jong", "nl"),
            "https://t.me/KlimopTestBot?start=Y",
            "KLMNP-QRSTV",
            date(2026, 12, 2),
        ),
        Page(
            _letter(NAMES[2], "Łucja Wiśniewska", "en", linked=True), "https://t.me/KlimopTestBot"
        ),
    ]
    overflowing = write_consent_letters_pdf(
        pages,
        school="cbs Klimop",
        printed=date(2026, 11, 2),
        bot_username="KlimopTestBot",
        out=out,
        compress=False,
    )
    assert overflowing == 0  # every purpose, the exchange and a message fit on one page
    pages_text = _pages(out)
    assert len(pages_text) == 3
    # Handed out by group, then by child: Zoë, Ömer, Łucja (each name as it is).
    zoe, omer, lucja = pages_text
    assert "Toestemmingsformulier voor Ömer Yılmaz" in omer and NAMES[0] in omer
    assert "Groep 3: Ömer Yılmaz" in omer
    assert "ABCDE-FGHJK" in omer and "Liever antwoorden in de bot?" in omer
    assert "Schoolfotograaf" in omer and "Naar: Fotostudio De Lens" in omer
    assert "Ja" in omer and "Nee" in omer and "Handtekening" in omer
    assert "Wij vragen het elk jaar opnieuw." in omer
    assert NAMES[1] in zoe and "uiterlijk maandag 16 november 2026" in zoe
    assert "Consent form for Łucja Wiśniewska" in lucja and NAMES[2] in lucja
    assert "unblock it" in lucja and "ABCDE" not in lucja
    assert out.stat().st_mode & 0o077 == 0


async def test_a_paper_form_is_recorded_like_any_answer_and_says_who_recorded_it(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    people = await parents(s, clock)
    round_ = await start(s, clock)
    school = s.school("cbs-klimop")
    letters = await letters_for(
        s.db, s.cipher, s.school_by_id, "cbs-klimop", round_.number, date(2026, 11, 2)
    )
    assert len(letters) == 12 and not any(letter.linked for letter in letters)
    assert {letter.child for letter in letters} >= {"Sem Mulder", "Daniël van den Berg"}
    with pytest.raises(LookupError):
        await letters_for(s.db, s.cipher, s.school_by_id, "cbs-klimop", 9, date(2026, 11, 2))

    zoe = await student_id(s.db.reader, "L1001")
    james = people[5002]
    choices = await s.paper_answers.guardians(StaffActor(7001), zoe)
    assert [(c.name, c.in_bot) for c in choices] == [
        ("Marieke de Jong", True),
        ("James Whitfield", True),
    ]
    guardian = james.guardian_ids[0]
    answer = await s.paper_answers.record(
        StaffActor(7001),
        zoe,
        guardian,
        {"website": False, "newsletter": True},
        idempotency_key="p1",
    )
    assert answer.change.case is not None  # a change: the teacher's task, Marieke told
    assert "Another parent or guardian of Zoë" not in " ".join(await queued_for(s, 5001))
    assert "Een andere ouder of verzorger van Zoë" in (await queued_for(s, 5001))[-1]
    assert (await ledger(s))[-2:] == [
        (guardian, "newsletter", True, "paper", round_.id),
        (guardian, "website", False, "paper", round_.id),
    ]
    # It answered James's question in the round; the same form again records nothing.
    [request] = [
        r for r in await rounds.requests(s.db.reader, round_.id) if r.guardian_id == guardian
    ]
    assert request.answered_via == "paper"
    again = await s.paper_answers.record(
        StaffActor(7001), zoe, guardian, {"website": False}, idempotency_key="p1"
    )
    assert again.again and len(await ledger(s)) == 2
    recorded = [d for a, d in await audit_actions(s) if a == "consent.paper_recorded"]
    assert recorded == [
        {
            "guardian": guardian,
            "answered": ["newsletter", "website"],
            "changed": ["newsletter", "website"],
            "recorded_by": anna,
            "round": round_.id,
            "source": "paper",
        }
    ]
    lines = await s.consents.ledger(james, zoe)
    with use_language("nl"):
        text = ledger_text(lines, school, answer.student)
    assert (
        "Website van de school: geen toestemming, door u (op papier, vastgelegd door Anna de Wit)"
        in text
    )

    # Only a teacher of the child's group or the director; never for a stranger.
    lotte = await student_id(s.db.reader, "L1007")
    with pytest.raises(Refused, match="not_allowed"):
        await s.paper_answers.record(
            StaffActor(7001), lotte, 1, {"website": True}, idempotency_key="p2"
        )
    with pytest.raises(Refused, match="invalid"):
        await s.paper_answers.record(
            StaffActor(DIRECTOR), zoe, 424242, {"website": True}, idempotency_key="p3"
        )
    with pytest.raises(Refused, match="invalid"):
        await s.paper_answers.record(
            StaffActor(DIRECTOR), zoe, guardian, {"nonsense": True}, idempotency_key="p4"
        )


async def test_the_ledger_says_an_exchange_ended_by_itself(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    marieke = await link_guardian(s, clock, "Marieke de Jong", 5001)
    zoe = await student_id(s.db.reader, "L1001")
    await s.consents.change(marieke, zoe, {"school_photographer": True})
    clock.moment = datetime(2027, 8, 1, 9, 0, tzinfo=UTC)
    lines = await s.consents.ledger(marieke, zoe)
    assert [(line.purpose, line.granted, line.source) for line in lines] == [
        ("school_photographer", True, None),
        ("school_photographer", None, "ended"),
    ]
    profile = await s.accounts.profile(5001)
    assert profile is not None
    with use_language("en"):
        text = ledger_text(lines, s.school("cbs-klimop"), profile.children[0])
    assert "17 July 2027: School photographer has ended" in text
    assert "consent for it no longer applies" in text


def test_the_consent_letters_command(
    tmp_path: Path,
    clock: FakeClock,
    database_templates: DatabaseTemplates,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(tmp_path)

    async def a_round() -> None:
        await database_templates.copy_into(settings, clock, roster=True)
        s = await Services.start(settings, clock)
        try:
            await director(s, clock)
            await parents(s, clock)
            await start(s, clock)
        finally:
            await s.close()

    async def issued() -> list[str]:
        s = await Services.start(settings, clock)
        try:
            rows = await fetch_all(
                s.db.reader,
                "SELECT details FROM audit_events WHERE action = 'invitation.issued' ORDER BY id",
            )
        finally:
            await s.close()
        return [str(r[0]) for r in rows]

    asyncio.run(a_round())
    for name, value in {
        "PRIVACYLOKET_DATABASE": settings.database,
        "PRIVACYLOKET_SCHOOLS": SCHOOL_TOML,
        "PRIVACYLOKET_SECRET_KEY": "test-secret-" + "x" * 40,
        "PRIVACYLOKET_KEY_FILE": tmp_path / "test.key",
        "PRIVACYLOKET_BOT_USERNAME": "KlimopTestBot",
    }.items():
        monkeypatch.setenv(name, str(value))
    assert main(["consent-letters", "--school", "cbs-klimop", "--round", "7"]) == 1
    assert "has no consent round with that number" in capsys.readouterr().err
    out = tmp_path / "forms.pdf"
    assert (
        main(["consent-letters", "--school", "cbs-klimop", "--round", "1", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert printed.startswith("12 forms for 12 parents written to")
    assert "(12 new codes)" in printed
    pages = _pages(out)
    assert len(pages) == 12
    assert re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}-", pages[0])
    assert "Groep 1: Sem Mulder" in pages[0]  # handed out per group
    details = [json.loads(d) for d in asyncio.run(issued())]
    assert sum(d.get("for") == "consent_letter" for d in details) == 12
