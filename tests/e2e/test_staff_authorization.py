"""Who may not act on a case: every staff command and button, tried by people who are not
allowed. Each is refused in their language, changes nothing and is audited."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.staff_base import StaffActor
from handlers.callbacks import CallbackCodec
from storage.db import fetch_all
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent, request_correction, staff_code

pytestmark = pytest.mark.two_schools

COMMANDS = ("case", "take", "note", "extend", "escalate", "assign", "reject", "resolve", "attach")
# Button actions with the arguments after the case id.
BUTTONS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("sc", ()),
    ("st", ()),
    ("sn", ()),
    ("se", ()),
    ("sem", (1,)),
    ("sesc", ()),
    ("sescok", ()),
    ("sa", ()),
    ("saok", (1,)),
    ("sj", ()),
    ("sjg", (0,)),
    ("sr", ()),
    ("sro", (0,)),
    ("srk", (1,)),
    ("srkok", (1,)),
    ("srn", ()),
    ("sok", ()),
    ("sat", ()),
    ("sinf", (0,)),
    ("sx", ()),  # last: it also closes the screen it was tapped on
)


async def _snapshot(h: Harness) -> list[object]:
    conn = h.s.db.reader
    rows: list[object] = []
    for table in ("cases", "case_events", "case_notes", "case_attachments"):
        rows.append([tuple(r) for r in await fetch_all(conn, f"SELECT * FROM {table}")])
    rows.append(
        [tuple(r) for r in await fetch_all(conn, "SELECT * FROM case_recipients_informed")]
    )
    return rows


async def _audit_id(h: Harness) -> int:
    rows = await fetch_all(h.s.db.reader, "SELECT COALESCE(MAX(id), 0) FROM audit_events")
    return int(rows[0][0])


async def _people(h: Harness) -> tuple[dict[str, Person], int]:
    """A case for Zoë (group 3), and everyone who may not act on it."""
    owner = h.person(7001, "Anna", "nl")
    await owner.send(f"/start {await staff_code(h, 'Anna de Wit', 'teacher', ['3'])}")
    parent = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    await parent.tap("Gegevens corrigeren")
    await parent.tap(parent.last_with_buttons().button_texts[1])
    await parent.send("Het verzuim klopt niet.")
    await parent.tap("Verzoek versturen")
    others = {
        "teacher of another group": ("Bram Bos", "teacher", ["7"], "cbs-klimop"),
        "director of another school": ("K. Linde", "director", [], "de-linde"),
        "privacy officer": ("F. Gee", "privacy_officer", [], "cbs-klimop"),
    }
    people: dict[str, Person] = {"parent": parent}
    for index, (label, (name, role, groups, school)) in enumerate(others.items()):
        person = h.person(7100 + index, name.split()[0], "nl")
        await person.send(f"/start {await staff_code(h, name, role, groups, school)}")
        people[label] = person
    people["unlinked account"] = h.person(9001, "Onbekend", "nl")
    await people["unlinked account"].send("/help")
    case_id = await h.s.staff_views.find(StaffActor(owner.id), "2026-0001")
    assert case_id is not None
    return people, case_id


async def _refused(h: Harness, person: Person, act: object) -> None:
    before, audit = await _snapshot(h), await _audit_id(h)
    seen = await act  # type: ignore[misc]
    assert seen.messages, "no answer"
    text = seen.text
    assert "Nothing" not in text and "not possible" not in text  # said in Dutch
    assert await _snapshot(h) == before
    assert await _audit_id(h) > audit


async def test_every_command_and_button_is_refused_for_who_may_not_act(harness: Harness) -> None:
    h = harness
    people, case_id = await _people(h)
    assert h.app is not None
    codec: CallbackCodec = h.app.bot_data["codec"]
    for label, person in people.items():
        for command in COMMANDS:
            try:
                await _refused(h, person, person.send(f"/{command} 2026-0001"))
            except AssertionError as exc:
                raise AssertionError(f"{label}: /{command}: {exc}") from None
        for action, extra in BUTTONS:
            data = codec.encode(person.id, action, case_id, *extra)
            try:
                live = person.last_with_buttons()
            except LookupError:
                live = None
            try:
                await _refused(h, person, person.tap_data(data, live))
            except AssertionError as exc:
                raise AssertionError(f"{label}: button {action}: {exc}") from None


async def test_forged_and_stale_buttons_are_refused(harness: Harness) -> None:
    h = harness
    people, case_id = await _people(h)
    owner = h.person(7001, "Anna", "nl")
    seen = await owner.send("/case 2026-0001")
    screen = seen.last
    # Forged: data made for another account, or changed by hand.
    assert h.app is not None
    codec: CallbackCodec = h.app.bot_data["codec"]
    forged = codec.encode(people["parent"].id, "st", case_id)
    await _refused(h, owner, owner.tap_data(forged, screen))
    await _refused(h, owner, owner.tap_data(f"st:{case_id}~AAAAAAAA", screen))
    # Stale: a newer screen replaced this one.
    await owner.send("/queue")
    await _refused(h, owner, owner.tap("In behandeling nemen", screen))


async def test_two_staff_members_answer_at_the_same_moment(harness: Harness) -> None:
    h = harness
    teacher = h.person(7001, "Anna", "nl")
    await teacher.send(f"/start {await staff_code(h, 'Anna de Wit', 'teacher', ['3'])}")
    director = h.person(7003, "Jolanda", "nl")
    await director.send(f"/start {await staff_code(h, 'J. de Vries', 'director', [])}")
    parent = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    await request_correction(parent)
    for person in (teacher, director):
        await person.send("/resolve 2026-0001")
        await person.tap("Geen bericht")
    first, second = await asyncio.gather(teacher.tap("Bevestigen"), director.tap("Bevestigen"))
    texts = [first.text, second.text]
    assert sum("Klaar: het verzoek is afgesloten" in t for t in texts) == 1
    loser = next(t for t in texts if "Klaar" not in t)
    assert "al beantwoord door de" in loser and "2 november 2026" in loser
    events = await fetch_all(
        h.s.db.reader, "SELECT event FROM case_events WHERE event = 'resolved'"
    )
    assert len(events) == 1
    await h.deliver_outbox()
    answers = [m for m in parent.messages if "gecorrigeerd" in m.text and "2026-0001" in m.text]
    assert len(answers) == 1
