"""Parents file access, correction and deletion requests; staff get the alert."""

from __future__ import annotations

from storage import bot_state, cases
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher
from tests.raw_database import stored_bytes


async def test_access_overview_and_a_dossier_copy_request_in_english(harness: Harness) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"], "en")
    james = await linked_parent(harness, 5001, "James Whitfield", "en")
    seen = await james.tap("What the school records")
    text = seen.text
    assert "What cbs Klimop records" in text and "including Zoë" in text
    for expected in (
        "Why:",
        "From:",
        "Kept:",
        "Shared with:",
        "Autoriteit Persoonsgegevens",
        "restrict",
        "object",
        "What Privacyloket itself holds",
        "language: English",
    ):
        assert expected in text, expected
    seen = await james.tap("Request a copy of the dossier")
    await james.tap("In this chat")
    assert "The school answers within one month: with the copy, or with the reasons" in seen.text
    seen = await james.tap("Send request")
    assert "Request number: 2026-0001" in seen.text
    assert "Wednesday, 2 December 2026" in seen.text
    await harness.deliver_outbox()
    alert = teacher.messages[-1].text
    assert "New request 2026-0001" in alert and "Zoë de Jong" in alert
    assert "Wednesday, 2 December 2026" in alert


async def test_a_correction_in_dutch_with_too_long_text_then_a_good_one(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7002, ["1"])
    inge = await linked_parent(harness, 5002, "Inge Mulder", "nl")
    await inge.tap("Gegevens corrigeren")
    seen = await inge.tap(inge.last_with_buttons().button_texts[0])
    assert "1.000" in seen.text or "1,000" in seen.text
    seen = await inge.send("x" * 1001)
    assert "1.001" in seen.text and "Er is nog niets verstuurd" in seen.text
    seen = await inge.send("Het adres is <b>Dorpsstraat 1</b> & niet 2 😀")
    assert "Het adres is <b>Dorpsstraat 1</b> & niet 2 😀" in seen.text
    seen = await inge.tap("Verzoek versturen")
    assert "2026-0001" in seen.text
    await harness.deliver_outbox()
    assert "Het adres is <b>Dorpsstraat 1</b> & niet 2 😀" in teacher.messages[-1].text
    stored = await cases.get(harness.s.db.reader, 1)
    assert stored is not None and stored.kind == "rectification"

    # A second draft waits in the conversation state; with it, the case and the outbox
    # written to disk, the typed text is nowhere in the database files in plain form.
    await inge.send("/menu")
    await inge.tap("Gegevens corrigeren")
    await inge.tap(inge.last_with_buttons().button_texts[0])
    await inge.send("Concept met Dorpsstraat 1 erin")  # saved when this update is done
    saved = await bot_state.load(harness.s.db.reader, "user")
    assert str(inge.id) in saved  # the draft is on disk, so the check below means something
    content = stored_bytes(harness.s)
    for secret in ("Dorpsstraat", "Concept met"):
        assert secret.encode() not in content
        assert secret.encode("utf-16-le") not in content


async def test_a_deletion_goes_to_the_director(harness: Harness) -> None:
    director = await linked_director(harness, 7003)
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "nl")
    seen = await anouk.tap("Gegevens verwijderen")
    assert "Leerlingdossier" in seen.text or "leerlingdossier" in seen.text
    religion = next(b for b in seen.buttons if "Geloofsovertuiging" in b)
    seen = await anouk.tap(religion)
    assert any(b.startswith("☑ Geloofsovertuiging") for b in seen.buttons)
    seen = await anouk.tap("Volgende")
    seen = await anouk.send("Wij willen dit niet meer vastgelegd hebben.")
    seen = await anouk.tap("Verzoek versturen")
    assert "2026-0001" in seen.text
    await harness.deliver_outbox()
    alert = director.messages[-1].text
    assert "Nieuw verzoek 2026-0001: verwijdering" in alert
    assert "op verzoek altijd verwijderen: Geloofsovertuiging" in alert


async def test_two_children_pick_the_child_first_and_withdraw_a_request(
    harness: Harness,
) -> None:
    priya = await linked_parent(harness, 5004, "Priya Sharma", "en")
    seen = await priya.tap("What the school records")
    assert "About which child?" in seen.text
    assert seen.buttons[:2] == ["Arjun (group 3)", "Meera (group 7)"]
    seen = await priya.tap("Meera (group 7)")
    assert "including Meera" in seen.text
    await priya.tap("Request a copy of the dossier")
    await priya.tap("In this chat")
    await priya.tap("Send request")
    await priya.tap("My requests")
    seen = await priya.tap(priya.last_with_buttons().button_texts[0])
    assert "Request 2026-0001" in seen.text and "request received" in seen.text
    await priya.tap("Withdraw this request")
    seen = await priya.tap("Yes, withdraw it")
    assert "has been withdrawn" in seen.text
    seen = await priya.tap("« My requests")
    assert "withdrawn" in seen.text
