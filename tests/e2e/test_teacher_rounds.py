"""The teacher's side of a consent round: the consent list with the round's response, a
photo checked before it is published, and a signed paper form recorded from a pupil's
screen; refused buttons and typed text change nothing."""

from __future__ import annotations

import json

import pytest

from bot.domain.model import Actor
from bot.domain.staff_base import StaffActor
from handlers.staff import name_pages
from storage.db import fetch_all
from tests.domain_helpers import student_id
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher
from tests.round_helpers import draft


async def _consent(h: Harness, parent: Person, changes: dict[str, bool], child: int = 0) -> None:
    profile = await h.s.accounts.profile(parent.id)
    assert profile is not None
    await h.s.consents.change(
        Actor(parent.id, profile.guardian_ids), profile.children[child].id, changes
    )


async def _round_with_some_answers(h: Harness) -> tuple[Person, Person, Person]:
    """Round 1 asks every parent about the website and the newsletter; in group 3 Marieke
    (Zoë) answered, Priya (Arjun) did not."""
    director = await linked_director(h, 7002)
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(h, 5002, "James Whitfield", "en")
    priya = await linked_parent(h, 5004, "Priya Sharma", "en")
    await h.s.rounds.start(
        StaffActor(director.id), await draft(h.s, h.clock), idempotency_key="r1"
    )
    await _consent(h, marieke, {"website": True, "newsletter": True})
    await h.deliver_outbox()
    return marieke, james, priya


async def _refusals(h: Harness) -> list[str]:
    rows = await fetch_all(
        h.s.db.reader,
        "SELECT details FROM audit_events WHERE action = 'consents.refused' ORDER BY id",
    )
    return [json.loads(r[0])["reason"] for r in rows]


async def test_the_list_counts_who_answered_per_group_while_a_round_is_open(
    harness: Harness,
) -> None:
    h = harness
    dutch = await linked_teacher(h, 7001, ["3"])
    seen = await dutch.send("/consents")
    assert "Toestemmingsronde" not in seen.text  # no round yet
    await _round_with_some_answers(h)
    seen = await dutch.send("/consents")
    assert "Fototoestemming · groep 3 (2 leerlingen)\nToestemmingsronde 1: 1 van 2 beantwoord" in (
        seen.text
    )
    assert "Arjun Sharma: geen antwoord" in seen.text
    # The group's table has the round too: who answered it.
    seen = await dutch.tap("Tabel van groep 3 (CSV)")
    assert seen.last.document is not None
    table = seen.last.document[1].decode("utf-8-sig").splitlines()
    assert table[0].endswith(";Schoolfotograaf;Toestemmingsronde 1")
    assert table[1].startswith("Arjun Sharma;3;mag er niet op (geen antwoord);")
    assert table[1].endswith(";niet beantwoord (telt als nee)")
    assert table[2].startswith("Zoë de Jong;3;mag erop (toestemming);")
    assert table[2].endswith(";beantwoord")
    director = h.person(7002)
    await director.send("/language")
    await director.tap("English")
    seen = await director.send("/consents 5")
    assert "Photo consent · group 5 (2 pupils)\nConsent round 1: 0 of 2 answered" in seen.text


async def test_the_list_and_a_photo_check_in_dutch(harness: Harness) -> None:
    h = harness
    teacher = await linked_teacher(h, 7001, ["3"])
    _marieke, james, _priya = await _round_with_some_answers(h)

    seen = await teacher.send("/consents")
    assert "Toestemmingsronde 1: 1 van 2 beantwoord" in seen.text
    assert "Arjun Sharma: geen antwoord" in seen.text
    assert (
        "Foto controleren" in seen.buttons and "Leerlingen · papieren antwoorden" in seen.buttons
    )

    seen = await teacher.tap("Foto controleren")
    assert "Waar wordt de foto of video gepubliceerd?" in seen.text
    assert seen.buttons[:2] == ["Website van de school", "Nieuwsbrief"]
    seen = await teacher.tap("Website van de school")
    assert "Tik op de kinderen die op de foto staan" in seen.text
    assert "Op de foto: nog niemand gekozen." in seen.text
    assert seen.buttons[:2] == ["Arjun Sharma", "Zoë de Jong"]
    seen = await teacher.tap("Zoë de Jong")
    assert "✅ Zoë de Jong" in seen.buttons and "Controleren (1)" in seen.buttons
    assert "Op de foto: 1 kind: Zoë de Jong" in seen.text

    # A name typed instead of tapped: said so, and the names come again, still chosen.
    seen = await teacher.send("Zoë")
    assert "Namen kunt u hier niet typen" in seen.text
    assert "✅ Zoë de Jong" in seen.buttons

    seen = await teacher.tap("Controleren (1)")
    assert "✅ Mag gepubliceerd worden" in seen.text
    assert "Het kind op de foto mag in beeld voor Website van de school." in seen.text
    old_check = seen.last

    # The next photo has Arjun too, whose parent never answered.
    seen = await teacher.tap("Nog een foto controleren")
    seen = await teacher.tap("Website van de school")
    await teacher.tap("Zoë de Jong")
    seen = await teacher.tap("Arjun Sharma")
    assert "Op de foto: 2 kinderen: Zoë de Jong, Arjun Sharma" in seen.text
    seen = await teacher.tap("Controleren (2)")
    assert "⛔ Weglaten of onherkenbaar maken" in seen.text
    assert "1 van de 2 kinderen mag niet in beeld voor Website van de school:" in seen.text
    assert "Deze controle is vastgelegd op 2 november 2026 om 10.00 uur." in seen.text
    assert "• Arjun Sharma (groep 3): geen antwoord" in seen.text
    assert "Zoë de Jong (groep 3)" not in seen.text
    assert "De anderen mogen in beeld." in seen.text

    # James refuses the website for Zoë: Anna hears of her checks, and the next check says so.
    await _consent(h, james, {"website": False})
    await h.deliver_outbox()
    assert "Toestemming ingetrokken na uw fotocontrole" in teacher.messages[-1].text
    seen = await teacher.send("/consents website")
    seen = await teacher.tap("Foto controleren")
    seen = await teacher.tap("Website van de school")
    seen = await teacher.tap("Zoë de Jong")
    seen = await teacher.tap("Controleren (1)")
    assert (
        "Het kind op de foto mag niet in beeld voor Website van de school:\n"
        "• Zoë de Jong (groep 3): ouders oneens"
    ) in seen.text

    # The old verdict's Check button, replayed: nothing is checked again.
    checks = await fetch_all(h.s.db.reader, "SELECT verdict, children FROM photo_checks")
    assert [tuple(r) for r in checks] == [("publish", 1), ("leave_out", 2), ("leave_out", 1)]
    seen = await teacher.tap_data(
        h.app.bot_data["codec"].encode(teacher.id, "pcr") if h.app else "", seen.last
    )
    assert "Deze fotocontrole is al afgerond of gestopt" in seen.text
    assert len(await fetch_all(h.s.db.reader, "SELECT id FROM photo_checks")) == 3
    seen = await teacher.tap("Nog een foto controleren", old_check)
    # An older message's button: refused by the gate, the menu instead.
    assert "Wat wilt u doen?" in seen.text and "Waar wordt de foto" not in seen.text

    # The audit trail has the checks, in numbers: no names.
    rows = await fetch_all(
        h.s.db.reader, "SELECT details FROM audit_events WHERE action = 'photo.checked'"
    )
    assert len(rows) == 3
    assert all("Zo" not in r[0] and "Arjun" not in r[0] for r in rows)


async def test_a_paper_form_recorded_in_english_counts_like_any_answer(harness: Harness) -> None:
    h = harness
    teacher = await linked_teacher(h, 7001, ["3"], "en")
    _marieke, james, _priya = await _round_with_some_answers(h)

    seen = await teacher.send("/consents")
    assert "Consent round 1: 1 of 2 answered" in seen.text
    seen = await teacher.tap("Pupils · paper answers")
    assert seen.buttons[:2] == ["Arjun Sharma", "Zoë de Jong"]
    seen = await teacher.tap("Arjun Sharma")
    assert "Arjun Sharma · group 3" in seen.text
    assert "School website: may not appear (no answer)" in seen.text
    assert "Priya Sharma (uses the bot)" in seen.text
    # One parent: the form opens at once.
    seen = await teacher.tap("Record a paper answer")
    assert "Signed by: Priya Sharma" in seen.text
    # As on the printed form of the round that asks her: its purposes only.
    assert (
        "The purposes on the form of consent round 1:\n"
        "1. School website: not ticked\n2. Newsletter: not ticked"
    ) in seen.text
    assert "3. " not in seen.text and "3. Yes" not in seen.buttons
    seen = await teacher.tap("Review")
    assert "Tap Yes or No for at least one purpose first. Nothing was recorded." in seen.text
    seen = await teacher.send("yes")
    assert "Answers from a paper form are not typed" in seen.text
    seen = await teacher.tap("1. Yes")
    assert "1. ✅ Yes" in seen.buttons
    seen = await teacher.tap("2. No")
    seen = await teacher.tap("Review")
    assert "Record this paper answer?" in seen.text
    assert "• School website: yes\n• Newsletter: no" in seen.text
    confirm = seen.last
    data = dict(b for row in confirm.buttons for b in row)["Confirm"]
    seen = await teacher.tap("Confirm")
    assert "Paper answer recorded" in seen.text
    assert "School website: may appear (consent)" in seen.text
    assert "Newsletter: may not appear (refused)" in seen.text

    # The same Confirm again (a replay): nothing more is recorded.
    assert data is not None
    seen = await teacher.tap_data(data, confirm)
    assert "This paper answer was already recorded. Nothing was changed." in seen.text
    ledger = await fetch_all(
        h.s.db.reader,
        "SELECT purpose, granted, source, recorded_by FROM consent_ledger WHERE source = 'paper'",
    )
    assert sorted((r[0], bool(r[1]), r[2]) for r in ledger) == [
        ("newsletter", False, "paper"),
        ("website", True, "paper"),
    ]
    assert all(r[3] is not None for r in ledger)

    # It counts: the round's response line, and Priya's ledger names who recorded it.
    seen = await teacher.send("/consents")
    assert "Consent round 1: 2 of 2 answered" in seen.text
    priya = h.person(5004)
    profile = await h.s.accounts.profile(priya.id)
    assert profile is not None
    arjun = await student_id(h.s.db.reader, "L1004")
    lines = await h.s.consents.ledger(Actor(priya.id, profile.guardian_ids), arjun)
    assert any(line.recorded_by == "Anna de Wit" for line in lines)

    # Two parents: who signed is asked first.
    seen = await teacher.tap("Pupils · paper answers")
    seen = await teacher.tap("Zoë de Jong")
    seen = await teacher.tap("Record a paper answer")
    assert "Who signed the form?" in seen.text
    assert seen.buttons == ["Marieke de Jong", "James Whitfield", "« Back to Zoë"]
    seen = await teacher.tap("James Whitfield")
    assert "Signed by: James Whitfield" in seen.text
    del james


async def test_forged_buttons_are_refused_and_change_nothing(harness: Harness) -> None:
    h = harness
    teacher = await linked_teacher(h, 7001, ["3"], "en")
    await _round_with_some_answers(h)
    assert h.app is not None
    codec = h.app.bot_data["codec"]
    lotte = await student_id(h.s.db.reader, "L1007")  # group 7
    zoe = await student_id(h.s.db.reader, "L1001")

    seen = await teacher.send("/consents")
    seen = await teacher.tap_data(codec.encode(teacher.id, "pu", lotte), seen.last)
    assert "You can only record paper answers for pupils of your own groups" in seen.text
    assert "Lotte" not in seen.text
    seen = await teacher.tap_data(
        codec.encode(teacher.id, "pao", lotte, 1, "yyyyyy", "abc"), teacher.last_with_buttons()
    )
    assert "Nothing was recorded" in seen.text and "Lotte" not in seen.text

    # A parent who is not Zoë's, a purpose letter too many: not on her form.
    seen = await teacher.send("/consents")
    seen = await teacher.tap_data(codec.encode(teacher.id, "paf", zoe, 424242), seen.last)
    assert "does not belong on this pupil's form" in seen.text
    seen = await teacher.send("/consents")
    seen = await teacher.tap_data(codec.encode(teacher.id, "par", zoe, 1, "yyyyyyyy"), seen.last)
    assert "does not belong on this pupil's form" in seen.text

    # A photo check for a purpose the school does not have, or a child of another group.
    seen = await teacher.send("/consents")
    group = await h.s.photo_checks.groups(StaffActor(teacher.id))
    seen = await teacher.tap_data(
        codec.encode(teacher.id, "pcp", group[0].id, "tiktok"), seen.last
    )
    assert "That purpose is not in the school's list of photo purposes" in seen.text
    seen = await teacher.send("/consents")
    await teacher.tap("Check a photo")
    seen = await teacher.tap("School website")
    seen = await teacher.tap_data(codec.encode(teacher.id, "pct", lotte), seen.last)
    assert "You can only check photos of children in your own groups" in seen.text
    assert "In the photo: nobody chosen yet." in seen.text
    assert not any("Lotte" in b for b in seen.buttons)
    seen = await teacher.tap("Check")
    assert "Tap at least one child who appears in the photo first" in seen.text
    seen = await teacher.tap_data(codec.encode(teacher.id, "pc", 999999), seen.last)
    assert "You can only check photos of children in your own groups" in seen.text

    assert await fetch_all(h.s.db.reader, "SELECT id FROM photo_checks") == []
    assert (
        await fetch_all(h.s.db.reader, "SELECT id FROM consent_ledger WHERE source = 'paper'")
        == []
    )
    reasons = await _refusals(h)
    assert reasons.count("paper_answer_not_their_pupil") == 2
    assert "photo_check_unknown_purpose" in reasons
    assert "photo_check_not_their_pupil" in reasons
    assert "photo_check_not_their_group" in reasons


async def test_the_head_teacher_checks_a_photo_of_two_groups_in_english(
    harness: Harness,
) -> None:
    h = harness
    _marieke, _james, priya = await _round_with_some_answers(h)
    await _consent(h, priya, {"social_media": True})
    director = h.person(7002)
    await director.send("/language")
    await director.tap("English")

    seen = await director.send("/consents 3")
    assert "Consent round 1: 1 of 2 answered" in seen.text
    await director.tap("Check a photo")
    seen = await director.tap("Social media")
    assert "Check a photo · Social media\ngroup 3" in seen.text
    assert seen.buttons[:2] == ["Arjun Sharma", "Zoë de Jong"]
    assert "✅ group 3" in seen.buttons and "+ group 5" in seen.buttons
    seen = await director.tap("Arjun Sharma")
    # The photo itself sent to the bot: not needed, not kept; the names come again.
    seen = await director.do(lambda u: h.fake.send_photo(u, "sports day"))
    assert "The photo itself is not needed and is not kept." in seen.text
    assert "✅ Arjun Sharma" in seen.buttons
    assert not any(c.method == "getFile" for c in h.fake.calls)
    # The sports day had group 5 too: its names join, each with its group.
    seen = await director.tap("+ group 5")
    assert "group 3, group 5" in seen.text
    assert seen.buttons[:4] == [
        "✅ Arjun Sharma · 3",
        "Zoë de Jong · 3",
        "Daniël van den Berg · 5",
        "Ömer Yılmaz · 5",
    ]
    seen = await director.tap("Daniël van den Berg · 5")
    assert "In the photo: 2 children: Arjun Sharma, Daniël van den Berg" in seen.text
    seen = await director.tap("Check (2)")
    assert "⛔ Leave out or make unrecognisable" in seen.text
    assert "1 of 2 children may not appear for Social media:" in seen.text
    assert "• Daniël van den Berg (group 5): no answer" in seen.text
    assert "Arjun Sharma (group 3):" not in seen.text

    # Group 5 taken away again: its tapped children go with it.
    await director.tap("Check another photo")
    await director.tap("Social media")
    await director.tap("+ group 5")
    await director.tap("Ömer Yılmaz · 5")
    await director.tap("Arjun Sharma · 3")
    seen = await director.tap("✅ group 5")
    assert "In the photo: 1 child: Arjun Sharma" in seen.text
    seen = await director.tap("Check (1)")
    assert "✅ OK to publish" in seen.text
    assert "The child in the photo may appear for Social media." in seen.text
    checks = await fetch_all(h.s.db.reader, "SELECT children, left_out FROM photo_checks")
    assert [tuple(r) for r in checks] == [(2, 1), (1, 0)]


async def test_the_head_teacher_records_a_paper_form_in_dutch(harness: Harness) -> None:
    h = harness
    await _round_with_some_answers(h)
    director = h.person(7002)
    seen = await director.send("/consents 3")
    assert "Toestemmingsronde 1: 1 van 2 beantwoord" in seen.text
    await director.tap("Leerlingen · papieren antwoorden")
    seen = await director.tap("Zoë de Jong")
    assert "• Website van de school: mag erop (toestemming)" in seen.text
    assert "• Marieke de Jong (gebruikt de bot)" in seen.text
    seen = await director.tap("Papieren antwoord vastleggen")
    assert "Wie heeft het formulier ondertekend?" in seen.text
    await director.tap("James Whitfield")
    await director.tap("2. Nee")
    seen = await director.tap("Nakijken")
    assert "Dit papieren antwoord vastleggen?" in seen.text
    assert "Zoë de Jong, ondertekend door James Whitfield:\n• Nieuwsbrief: nee" in seen.text
    seen = await director.tap("Bevestigen")
    assert "Papieren antwoord vastgelegd" in seen.text
    # James refused what Marieke gave: the most restrictive answer wins.
    assert "• Nieuwsbrief: mag er niet op (ouders oneens)" in seen.text
    [recorded] = [m for m in seen.messages if "Papieren antwoord vastgelegd" in m.text]
    seen = await director.tap("« Terug naar de lijst", recorded)
    assert "Zoë de Jong: ouders oneens" in seen.text.split("Nieuwsbrief")[1]
    rows = await fetch_all(
        h.s.db.reader,
        "SELECT s.name FROM consent_ledger l JOIN staff s ON s.id = l.recorded_by "
        "WHERE l.source = 'paper'",
    )
    assert [r[0] for r in rows] == ["J. de Vries"]


async def test_many_names_come_in_pages_and_what_was_tapped_stays_tapped(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of four names here (twenty in the bot), so that the example school pages."""
    monkeypatch.setattr(name_pages, "PAGE", 4)
    h = harness
    director = await linked_director(h, 7002, "en")
    await director.send("/consents 3")
    await director.tap("Check a photo")
    await director.tap("School website")
    await director.tap("+ group 5")
    seen = await director.tap("+ group 7")
    assert "Names 1–4 of 7." in seen.text
    assert seen.buttons[:5] == [
        "Arjun Sharma · 3",
        "Zoë de Jong · 3",
        "Daniël van den Berg · 5",
        "Ömer Yılmaz · 5",
        "Next ›",
    ]
    await director.tap("Zoë de Jong · 3")
    seen = await director.tap("Next ›")
    assert "Names 5–7 of 7." in seen.text
    assert seen.buttons[:4] == [
        "Lotte Bakker · 7",
        "Meera Sharma · 7",
        "Thijs Smit · 7",
        "‹ Previous",
    ]
    seen = await director.tap("Thijs Smit · 7")
    assert "In the photo: 2 children: Zoë de Jong, Thijs Smit" in seen.text
    seen = await director.tap("‹ Previous")
    assert "✅ Zoë de Jong · 3" in seen.buttons and "Check (2)" in seen.buttons
    # A page that is not there (an old or hand-made button) shows the last one.
    assert h.app is not None
    data = h.app.bot_data["codec"].encode(director.id, "pcg", 9)
    seen = await director.tap_data(data, seen.last)
    assert "Names 5–7 of 7." in seen.text and "✅ Thijs Smit · 7" in seen.buttons
    seen = await director.tap("Check (2)")
    assert "2 of 2 children may not appear for School website:" in seen.text
