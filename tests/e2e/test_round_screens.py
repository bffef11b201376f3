"""A whole consent round from the head teacher's side, in Dutch: the menu's Consent rounds,
a new round with every bad input refused, the preview, Start, the questions going out,
parents answering (yes, no, keep as it is), the round's screen, Close now, the summary and
the CSV; and the buttons of a round that ended, or of another school, refused."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.model import Actor
from bot.emulator import SentMessage
from handlers.callbacks import CallbackCodec
from storage.db import fetch_all
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher, staff_code

pytestmark = pytest.mark.two_schools

LONG = "Beste ouders, " + "x" * 500


async def _rounds(h: Harness) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in await fetch_all(
            h.s.db.reader, "SELECT id, school_id, number, status FROM consent_rounds ORDER BY id"
        )
    ]


async def _snapshot(h: Harness) -> list[object]:
    found: list[object] = [await _rounds(h)]
    for table in ("consent_round_requests", "consent_ledger"):
        found.append([tuple(r) for r in await fetch_all(h.s.db.reader, f"SELECT * FROM {table}")])
    return found


async def _audit_count(h: Harness) -> int:
    rows = await fetch_all(h.s.db.reader, "SELECT COUNT(*) FROM audit_events")
    return int(rows[0][0])


async def _prior_consent(h: Harness, parent: Person, answers: dict[str, bool]) -> None:
    profile = await h.s.accounts.profile(parent.id)
    assert profile is not None
    await h.s.consents.change(
        Actor(parent.id, profile.guardian_ids), profile.children[0].id, answers
    )


def _callback_data(message: SentMessage, label: str) -> str:
    assert message.reply_markup is not None
    rows = message.reply_markup["inline_keyboard"]
    return str(next(b["callback_data"] for row in rows for b in row if b["text"] == label))


async def test_a_whole_round_in_dutch(harness: Harness) -> None:
    h = harness
    director = await linked_director(h, 7002, "nl")
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(h, 5002, "James Whitfield", "en")
    priya = await linked_parent(h, 5003, "Priya Sharma", "nl")
    anouk = await linked_parent(h, 5004, "Anouk Smit", "nl")
    await _prior_consent(h, priya, {"website": True, "newsletter": False})
    await h.deliver_outbox()
    h.manual_outbox()
    h.fake.block_user(anouk.id)  # Anouk blocked the bot: her question cannot be delivered

    seen = await director.send("/menu")
    assert "Toestemmingsrondes" in seen.buttons
    seen = await director.tap("Toestemmingsrondes")
    assert "Nog geen toestemmingsrondes." in seen.text
    seen = await director.tap("Nieuwe ronde")
    assert "Nieuwe toestemmingsronde" in seen.text
    # Every photo purpose of the school is asked by default; the exchange can be added.
    assert "✅ Website van de school" in seen.buttons
    assert "✅ Klassenapp (ouderapp)" in seen.buttons
    assert "▫️ Schoolfotograaf" in seen.buttons
    assert "maandag 16 november 2026 (over 14 dagen)" in seen.text

    # No purposes: refused with a clear line, nothing created.
    for label in (
        "✅ Website van de school",
        "✅ Nieuwsbrief",
        "✅ Schoolgids",
        "✅ Sociale media",
        "✅ Klassenapp (ouderapp)",
    ):
        await director.tap(label)
    seen = await director.tap("Voorbeeld")
    assert "Deze ronde kan nog niet starten:" in seen.text
    assert "kies minstens één doel" in seen.text
    assert await _rounds(h) == []
    await director.tap("▫️ Website van de school")
    await director.tap("▫️ Nieuwsbrief")

    # The school's message: over the limit refused, then a good one.
    await director.tap("Bericht in het Nederlands")
    seen = await director.send(LONG)
    assert "514 tekens" in seen.text and "500" in seen.text
    seen = await director.send("Beste ouders, wij vragen dit schooljaar opnieuw uw keuze.")
    assert "<blockquote>" not in seen.text  # the HTML is rendered
    assert "wij vragen dit schooljaar opnieuw uw keuze" in seen.text

    # The closing date: in the past, too far, unreadable, then a good one.
    await director.tap("Sluitingsdatum")
    seen = await director.send("01-10-2026")
    assert "Die sluitingsdatum kan niet" in seen.text and "verleden" in seen.text
    assert "maandag 16 november 2026" in seen.text  # the date that stays
    seen = await director.send("05-01-2027")
    assert "meer dan 60 dagen" in seen.text
    seen = await director.send("morgen")
    assert "Dat is geen datum die ik kan lezen" in seen.text
    seen = await director.send("13-11-2026")
    assert "vrijdag 13 november 2026" in seen.text
    assert await _rounds(h) == []

    seen = await director.tap("Voorbeeld")
    preview = seen.text
    assert "Voordat u start" in preview
    assert "Toestemmingsronde 1 starten bij cbs Klimop?" in preview
    assert "Hier getoond in uw taal" in preview
    assert "wij vragen dit schooljaar opnieuw uw keuze" in preview  # the sample question
    assert await _rounds(h) == [] and await h.deliver_outbox() == 0  # nothing before Start
    seen = await director.tap("Starten")
    assert "Toestemmingsronde 1 is gestart bij cbs Klimop." in seen.text
    assert [r[2:] for r in await _rounds(h)] == [(1, "open")]

    # The questions go out; parents answer.
    await h.deliver_outbox()
    assert "cbs Klimop vraagt om uw toestemming" in marieke.messages[-1].text
    assert "wij vragen dit schooljaar opnieuw uw keuze" in marieke.messages[-1].text
    assert "cbs Klimop asks for your consent" in james.messages[-1].text
    await marieke.tap("1. Ja", marieke.messages[-1])
    await marieke.tap("2. Nee")
    seen = await marieke.tap("Versturen")
    assert "Uw antwoorden voor Zoë zijn opgeslagen" in seen.text
    question = next(m for m in priya.messages if "Zo laten" in m.button_texts)
    await priya.tap("Zo laten", question)

    # The round's screen after some answers.
    seen = await director.tap("Toestemmingsronde 1 openen")
    screen = seen.text
    assert "Toestemmingsronde 1: Website van de school, Nieuwsbrief" in screen
    assert "Open tot en met vrijdag 13 november 2026." in screen
    assert (
        "Verstuurd in de bot: 4 van 5. Beantwoord: 2 van 16 vragen, één per ouder en kind (12%)."
        in screen
    )
    assert (
        "11 ouders niet gekoppeld aan de bot, 1 heeft hem geblokkeerd); 0 antwoorden kwamen"
        in screen
    )
    assert "Groep 7: Thijs Smit, Anouk Smit (heeft de bot geblokkeerd)" in screen  # 403: paper
    assert (
        "Groep 3: beantwoord voor 2 van 2 kinderen\n• Website van de school: 2 / 0 / 0 / 0"
        in screen
    )
    assert "• Nieuwsbrief: 0 / 2 / 0 / 0" in screen  # Marieke said no, Priya kept her no
    assert "Op papier nodig" in screen
    assert "Daniël van den Berg" in screen  # whose parents are not linked: paper

    # The head teacher's CSV of the round: UTF-8 with BOM, names.
    seen = await director.tap("Tabel (CSV)")
    document = seen.last
    assert document.document is not None
    name, content = document.document
    assert name == "toestemmingsronde-1-2026-11-02.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    flat = "\n".join(";".join(r) for r in rows)
    assert "Marieke de Jong" in flat and "Zoë" in flat
    assert "namen" in (document.caption or "")

    # The head teacher's digest names the open round and its response.
    seen = await director.send("/digest")
    assert "Open toestemmingsrondes: 1" in seen.text
    assert (
        "Toestemmingsronde 1: Website van de school, Nieuwsbrief, tot en met 13 nov 2026: "
        "2 van 16 beantwoord (12%)"
    ) in seen.text

    # A second round for the same purpose is refused while the first is open.
    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    await director.tap("Nieuwe ronde")
    seen = await director.tap("Voorbeeld")
    assert "wordt al gevraagd in toestemmingsronde 1, open tot en met vrijdag 13 november" in (
        seen.text
    )
    assert len(await _rounds(h)) == 1
    await director.tap("Annuleren")

    # Close now, with a confirmation; the summary follows.
    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    await director.tap("Toestemmingsronde 1")
    seen = await director.tap("Nu sluiten")
    assert "Toestemmingsronde 1 nu sluiten?" in seen.text
    seen = await director.tap("Ja, nu sluiten")
    assert "Toestemmingsronde 1 is gesloten" in seen.text
    assert "Gesloten op 2 november 2026." in seen.text
    assert "Nu sluiten" not in seen.buttons
    await h.deliver_outbox()
    summary = director.messages[-1].text
    assert "Toestemmingsronde 1 is gesloten" in summary
    assert "Per groep en doel: ja / nee / niet beantwoord / op papier" in summary

    # A parent's button of the closed round opens the consent screen instead.
    before = await _snapshot(h)
    question = next(m for m in james.messages if "1. Yes" in m.button_texts)
    seen = await james.tap("1. Yes", question)
    assert "Photo consent for Zoë" in seen.text
    assert await _snapshot(h) == before


async def test_stale_and_foreign_round_buttons_are_refused(harness: Harness) -> None:
    h = harness
    director = await linked_director(h, 7002, "nl")
    await linked_parent(h, 5001, "Marieke de Jong", "nl")
    officer = h.person(7010, "Femke", "nl")
    await officer.send(f"/start {await staff_code(h, 'F. Gee', 'privacy_officer', [])}")
    other = h.person(7011, "Karel", "nl")
    await other.send(f"/start {await staff_code(h, 'K. Linde', 'director', [], 'de-linde')}")
    teacher = await linked_teacher(h, 7001, ["3"])

    # A teacher has no Consent rounds in the menu.
    seen = await teacher.send("/menu")
    assert "Toestemmingsrondes" not in seen.buttons

    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    await director.tap("Nieuwe ronde")
    await director.tap("Voorbeeld")
    await director.tap("Starten")
    round_id = int(str((await _rounds(h))[0][0]))

    # The head teacher asks to close; meanwhile the privacy officer cancels the round.
    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    await director.tap("Toestemmingsronde 1")
    await director.tap("Nu sluiten")
    await officer.send("/menu")
    await officer.tap("Toestemmingsrondes")
    seen = await officer.tap("cbs Klimop · Toestemmingsronde 1")
    assert "Op papier nodig" not in seen.text  # numbers only, no names
    assert "Tabel (CSV)" not in seen.buttons
    await officer.tap("Ronde annuleren")
    seen = await officer.tap("Ja, ronde annuleren")
    assert "Toestemmingsronde 1 is geannuleerd." in seen.text

    before, audit = await _snapshot(h), await _audit_count(h)
    seen = await director.tap("Ja, nu sluiten")
    assert "Toestemmingsronde 1 was al geannuleerd op 2 november 2026." in seen.text
    assert "Er is niets gewijzigd." in seen.text
    assert await _snapshot(h) == before
    assert await _audit_count(h) > audit

    # Another school's head teacher, with buttons signed for them (as if forged): refused.
    assert h.app is not None
    codec: CallbackCodec = h.app.bot_data["codec"]
    await other.send("/menu")
    for action in ("srd", "srdc", "srdcok", "srdx", "srdxok", "srdcsv"):
        before, audit = await _snapshot(h), await _audit_count(h)
        data = codec.encode(other.id, action, round_id)
        seen = await other.tap_data(data, other.last_with_buttons())
        assert "hoort niet bij uw school" in seen.text, action
        assert not any(m.document for m in seen.messages)
        assert await _snapshot(h) == before
        assert await _audit_count(h) > audit
        await other.send("/menu")

    # A forged button (changed by hand) is refused by the gate.
    seen = await director.tap_data(f"srdxok:{round_id}~AAAAAAAA", director.last_with_buttons())
    assert "Wat wilt u doen?" in seen.text  # the gate answers "no longer works" and the menu
    assert (await _rounds(h))[0][3] == "cancelled"


async def test_a_round_started_by_the_privacy_officer_in_english(harness: Harness) -> None:
    h = harness
    officer = h.person(7010, "Femke", "en")
    await officer.send(f"/start {await staff_code(h, 'F. Gee', 'privacy_officer', [])}")
    director = await linked_director(h, 7002, "en")
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(h, 5002, "James Whitfield", "en")
    await h.deliver_outbox()
    h.manual_outbox()

    seen = await officer.send("/menu")
    seen = await officer.tap("Consent rounds")
    assert "cbs Klimop\nNo consent rounds yet." in seen.text
    assert "obs De Linde\nNo consent rounds yet." in seen.text
    seen = await officer.tap("New round")
    assert "Schools: cbs Klimop, obs De Linde" in seen.text
    assert "✅ obs De Linde" in seen.buttons
    for label in (
        "✅ Newsletter",
        "✅ School guide",
        "✅ Social media",
        "✅ Group app (parent app)",
    ):
        await officer.tap(label)
    seen = await officer.tap("▫️ School photographer")  # an exchange, beside the photos
    assert "Purposes: School website, School photographer" in seen.text
    await officer.tap("Ask only those without an answer")

    # No recipients at one school: refused, naming the school; nothing created.
    seen = await officer.tap("Preview")
    assert "This round cannot start yet:" in seen.text
    assert "obs De Linde: nobody would be asked" in seen.text
    assert await _rounds(h) == []
    await officer.tap("✅ obs De Linde")

    await officer.tap("Message in English")
    seen = await officer.send("Dear parents, " + "y" * 490)
    assert "504 characters long; the limit is 500" in seen.text
    seen = await officer.send("Dear parents,\x07 a bell")
    assert "That message cannot be used: the message holds characters that cannot be" in (
        seen.text
    )
    seen = await officer.send("<b>Dear</b> parents & <a href='https://x'>friends</a>")
    assert "<b>Dear</b> parents & <a href='https://x'>friends</a>" in seen.text  # as typed
    await officer.tap("Message in English")  # typed again
    seen = await officer.send("Dear parents, the school photographer visits on 20 November.")
    assert "Dutch: Dear parents, the school photographer visits" in seen.text
    assert "(the same text: no text in Dutch was typed)" in seen.text
    await officer.tap("Closing date")
    seen = await officer.send("2027-01-02")
    assert "more than 60 days ahead" in seen.text
    seen = await officer.send("31-02-2026")
    assert "That is not a date I can read" in seen.text
    seen = await officer.send("2026-11-20")
    assert "Friday, 20 November 2026 (in 18 days)" in seen.text

    seen = await officer.tap("Preview")
    assert "Before you start" in seen.text
    assert "cbs Klimop, consent round 1" in seen.text
    assert "School photographer" in seen.text
    assert "Passed to: Fotostudio De Lens" in seen.text  # the exchange, as parents read it
    assert "[1. Yes] [1. No]" in seen.text and "[2. Yes] [2. No]" in seen.text
    assert "Shown here in your language" in seen.text
    assert await _rounds(h) == []
    start = officer.last_with_buttons()
    start_data = _callback_data(start, "Start")
    seen = await officer.tap("Start")
    assert "Consent round 1 has started at cbs Klimop." in seen.text
    again = await officer.tap_data(start_data, start)  # a second tap on Start
    assert "This draft was already started or cancelled. Nothing was changed." in again.text
    assert len(await _rounds(h)) == 1

    await h.deliver_outbox()
    assert "Fotostudio De Lens" in james.messages[-1].text
    await james.tap("1. Yes", james.messages[-1])
    await james.tap("2. No")
    await james.tap("Send")
    question = next(m for m in marieke.messages if "1. Ja" in m.button_texts)
    await marieke.tap("1. Nee", question)
    await marieke.tap("Versturen")

    # The head teacher's screen after some answers, in English, with who needs paper.
    await director.send("/menu")
    await director.tap("Consent rounds")
    seen = await director.tap("Consent round 1")
    screen = seen.text
    assert "Consent round 1: School website, School photographer" in screen
    assert (
        "Sent in the bot: 2 of 2. Answered: 2 of 16 questions, one per parent and child (12%)."
        in screen
    )  # only those without an answer
    # Zoë: James said yes, Marieke no (the most restrictive holds); Arjun's parent: paper.
    assert "Group 3: answered for 1 of 2 children\n• School website: 0 / 1 / 0 / 1" in screen
    assert "• School photographer: 0 / 1 / 0 / 1" in screen
    assert "Needs paper" in screen and "Sem Mulder, Inge Mulder (not linked to the bot)" in screen
    assert (
        "(14 parents not linked to the bot); 0 answers came in on paper." in screen
    )  # nobody blocked it

    # The privacy officer: per school in numbers, no names, no table.
    await officer.send("/menu")
    await officer.tap("Consent rounds")
    seen = await officer.tap("Per school in numbers")
    assert "Consent rounds per school" in seen.text
    assert "Zoë" not in seen.text and "Sem" not in seen.text and "Marieke" not in seen.text
    assert (
        "Sent in the bot: 2 of 2. Answered: 2 of 16 questions, one per parent and child (12%)."
        in seen.text
    )
    await officer.tap("« Consent rounds")
    seen = await officer.tap("cbs Klimop · Consent round 1")
    assert "Needs paper" not in seen.text and "Table (CSV)" not in seen.buttons

    # The director opens Close now; the officer closes first.
    await director.tap("Close now")
    await officer.tap("Close now")
    seen = await officer.tap("Yes, close it now")
    assert "Consent round 1 is closed; the summary follows in a message." in seen.text
    before = await _snapshot(h)
    seen = await director.tap("Yes, close it now")
    assert "Consent round 1 was already closed on 2 November 2026. Nothing was changed." in (
        seen.text
    )
    assert await _snapshot(h) == before
    await h.deliver_outbox()
    for person in (director, officer):
        summary = person.messages[-1].text
        assert "Consent round 1 has closed" in summary
        assert "Per group and purpose: yes / no / not answered / on paper" in summary
        assert "Group 3: answered for 1 of 2 children" in summary

    # The CSV of the closed round, in English.
    await director.send("/menu")
    await director.tap("Consent rounds")
    seen = await director.tap("Consent round 1 (closed)")
    assert "Closed on 2 November 2026." in seen.text
    assert "Close now" not in seen.buttons
    seen = await director.tap("Table (CSV)")
    name, content = seen.last.document or ("", b"")
    assert name == "consent-round-1-2026-11-02.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    james_row = next(r for r in rows if "James Whitfield" in r)
    assert "Zoë" in ";".join(james_row)


async def test_a_purpose_removed_while_the_round_is_open_is_named_on_its_screen(
    harness: Harness,
) -> None:
    h = harness
    director = await linked_director(h, 7002, "nl")
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    h.manual_outbox()
    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    await director.tap("Nieuwe ronde")
    for label in ("✅ Schoolgids", "✅ Sociale media", "✅ Klassenapp (ouderapp)"):
        await director.tap(label)
    # A draft survives a restart of the bot.
    await h.restart()
    h.manual_outbox()
    await director.tap("Voorbeeld")
    await director.tap("Starten")
    await h.deliver_outbox()
    await marieke.tap("2. Nee", marieke.messages[-1])
    await marieke.tap("Versturen")

    # The school takes the newsletter out of its config; the bot restarts with it.
    config = h.settings.schools / "cbs-klimop.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index('[[photo_purposes]]\nkey = "newsletter"')
    end = text.index("[[photo_purposes]]", start + 1)
    config.write_text(text[:start] + text[end:], encoding="utf-8")
    await h.restart()
    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    seen = await director.tap("Toestemmingsronde 1")
    assert "Toestemmingsronde 1: Website van de school, newsletter" in seen.text
    assert "Niet meer in de instellingen van de school: newsletter." in seen.text
    # Marieke's no for the newsletter is kept.
    assert (
        "Groep 3: beantwoord voor 1 van 2 kinderen\n• Website van de school: 0 / 0 / 1 / 1\n"
        in seen.text
    )
    assert "• newsletter: 0 / 1 / 0 / 1\n" in seen.text
