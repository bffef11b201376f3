"""Arguments out of range are refused where they enter: an extension of 12 or 99999 months
(a forged but validly signed button, or a typed command) before any date is drawn; and a
second tap on "Yes, withdraw it" is told the request is already withdrawn."""

from __future__ import annotations

import pytest

from handlers.callbacks import CallbackCodec
from storage import audit_events, cases
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent
from tests.e2e.helpers import linked_staff as staff


def _codec(h: Harness) -> CallbackCodec:
    assert h.app is not None
    codec: CallbackCodec = h.app.bot_data["codec"]
    return codec


async def _request(h: Harness) -> Person:
    parent = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    await parent.tap("Wat de school vastlegt")
    await parent.tap("Kopie van het dossier aanvragen")
    await parent.tap("In dit gesprek")
    await parent.tap("Verzoek versturen")
    return parent


INVALID = '{"action":"extend","reason":"invalid"}'


async def _invalid_extensions(h: Harness) -> int:
    return len(
        [
            e
            async for e in audit_events.iterate(h.s.db.reader)
            if e.action == "staff.refused" and e.details == INVALID
        ]
    )


REFUSED = "met ten hoogste 2 maanden worden verlengd. Er is niets veranderd."


@pytest.mark.parametrize("months", [12, 99999, 0, -1])
async def test_a_signed_button_with_too_many_months_is_refused_before_a_date(
    harness: Harness, months: int
) -> None:
    teacher = await staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "nl")
    await _request(harness)
    await teacher.send("/case 2026-0001")
    screen = await teacher.tap("Verlengen")
    assert "Met twee maanden" in screen.buttons
    data = _codec(harness).encode(teacher.id, "sem", 1, months)
    seen = await teacher.tap_data(data, teacher.last_with_buttons())
    assert REFUSED in seen.text
    assert "Typ de reden" not in seen.text
    # Nothing waits for a reason: what she types next draws no date and changes nothing.
    seen = await teacher.send("Het dossier is erg groot.")
    assert "verlengen</b> tot" not in seen.last.html and "tot" not in seen.text
    assert "er ging bij ons iets mis" not in seen.text
    assert await _invalid_extensions(harness) == 1
    row = await cases.get(harness.s.db.reader, 1)
    assert row is not None and row.extended_due_on is None


@pytest.mark.parametrize("months", ["12", "99999", "0", "twee", "1e9"])
async def test_a_typed_extension_out_of_range_is_refused(harness: Harness, months: str) -> None:
    teacher = await staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "nl")
    await _request(harness)
    seen = await teacher.send(f"/extend 2026-0001 {months}")
    assert REFUSED in seen.text
    seen = await teacher.send("Het dossier is erg groot.")
    assert "tot" not in seen.text and "er ging bij ons iets mis" not in seen.text
    assert await _invalid_extensions(harness) == 1


async def test_a_typed_extension_in_range_asks_for_the_reason(harness: Harness) -> None:
    teacher = await staff(harness, 7001, "Anna de Wit", "teacher", ["3"], "nl")
    await _request(harness)
    seen = await teacher.send("/extend 2026-0001 2")
    assert "Typ de reden voor de verlenging" in seen.text
    seen = await teacher.send("Het dossier is erg groot.")
    assert "Verzoek 2026-0001 verlengen tot dinsdag 2 februari 2027" in seen.text
    await teacher.tap("Bevestigen")
    row = await cases.get(harness.s.db.reader, 1)
    assert row is not None and row.extended_due_on == "2027-02-02"


async def test_a_second_tap_on_withdraw_says_it_is_already_withdrawn(harness: Harness) -> None:
    parent = await _request(harness)
    await parent.send("/menu")
    await parent.tap("Mijn verzoeken")
    await parent.tap(parent.last_with_buttons().button_texts[0])
    await parent.tap("Dit verzoek intrekken")
    screen = parent.last_with_buttons()
    # Two quick taps: both reach the bot before it has changed the screen.
    first, _ = harness.fake.tap(parent.user, screen, "Ja, intrekken")
    second, _ = harness.fake.tap(parent.user, screen, "Ja, intrekken")
    await harness.wait_processed(first)
    await harness.wait_processed(second)
    texts = [m.text for m in parent.messages if m.message_id >= screen.message_id]
    final = "\n".join(texts)
    assert "Verzoek 2026-0001 is al ingetrokken." in final
    assert "al mee bezig" not in final
    row = await cases.get(harness.s.db.reader, 1)
    assert row is not None and row.status == "withdrawn"
