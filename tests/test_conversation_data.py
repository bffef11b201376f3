"""What the bot keeps per chat and per person between updates: typed, stored as JSON, and
what an older version stored still loads (what cannot be read is left out, never a crash)."""

from __future__ import annotations

import json

from bot.security import contexts
from bot.services import Services
from handlers.context import KEEP_CASE_MESSAGES, ChatData, Step, UserData
from handlers.parent.requests import RequestDraft
from handlers.persistence import SqlitePersistence
from handlers.staff.documents import AttachCopy
from handlers.staff.drafts import Answer, Decision, Extension, Note, Refusal
from storage import bot_state


def test_chat_data_round_trips_through_json() -> None:
    chat = ChatData(live_message=41, live_shows="abc")
    chat.show_case(41, 7)
    stored = json.loads(json.dumps(chat.to_json()))
    assert ChatData.from_json(stored) == chat


def test_chat_data_as_older_versions_stored_it_loads() -> None:
    stored = {"live_message": 12, "live_shows": "0f1e", "case_messages": {"12": 3, "9": 2}}
    chat = ChatData.from_json(stored)
    assert chat == ChatData(live_message=12, live_shows="0f1e", case_messages={12: 3, 9: 2})
    assert chat.to_json() == stored


def test_unreadable_chat_data_is_left_out() -> None:
    assert ChatData.from_json(None) == ChatData()
    assert ChatData.from_json(["live_message"]) == ChatData()
    chat = ChatData.from_json(
        {"live_message": "12", "live_shows": 5, "case_messages": {"x": 1, "4": "2", "5": True}}
    )
    assert chat == ChatData()
    assert ChatData().to_json() is None


def test_only_the_newest_case_messages_are_kept() -> None:
    chat = ChatData()
    for message_id in range(1, KEEP_CASE_MESSAGES + 6):
        chat.show_case(message_id, message_id * 10)
    assert sorted(chat.case_messages) == list(range(6, KEEP_CASE_MESSAGES + 6))


STEPS: list[Step] = [
    RequestDraft("erasure", 3, {"categories": ["religion", "health"]}, key="4f2a", text="Weg"),
    RequestDraft("rectification", 3, {"category": "absence"}),
    Note(7),
    Extension(7, 2),
    Extension(7, 1, text="Groot dossier", written=True),
    Refusal(7, ground="leerlingdossier"),
    Answer(7, "partly_erased", ["religion"], text=None, written=True),
    AttachCopy(7),
]


def test_every_step_round_trips_through_json() -> None:
    for step in STEPS:
        for awaiting in (True, False):
            user = UserData()
            user.start(step, awaiting=awaiting)
            assert UserData.from_json(json.loads(json.dumps(user.to_json()))) == user, step


# What versions before the typed steps kept per person: a request being written, a staff
# step and files awaited, under loose keys.
OLDER_USER_DATA = {
    "draft": {
        "kind": "rectification",
        "student": 3,
        "details": {"category": "absence"},
        "key": "0f1e2d3c4b5a6978",
        "text": "Het verzuim klopt niet",
    },
    "awaiting_text": False,
    "staff_draft": {"do": "extend", "case": 2, "months": 9, "text": "Groot"},
    "staff_awaiting": True,
    "staff_attach": 2,
}


def test_a_draft_stored_by_an_older_version_is_dropped() -> None:
    assert UserData.from_json(OLDER_USER_DATA) == UserData()


def test_unreadable_user_data_is_dropped_never_raised() -> None:
    stored: object
    for stored in (
        None,
        [],
        "step",
        {"step": "staff.note"},
        {"step": {"case": 7}},
        {"step": {"tag": "staff.frobnicate", "case": 7}},
        {"step": {"tag": "staff.note"}},
        {"step": {"tag": "staff.note", "case": "seven"}},
        {"step": {"tag": "staff.resolve", "case": 7, "outcome": "erased", "kept": "religion"}},
        {"step": {"tag": "parent.request", "kind": "erasure", "student": 3, "details": []}},
    ):
        assert UserData.from_json(stored) == UserData(), stored


def test_waiting_ends_at_a_button_but_the_draft_stays_for_its_confirmation() -> None:
    user = UserData()
    user.start(Answer(7, "erased"))
    assert user.waiting() == Answer(7, "erased")
    user.interrupt()
    assert user.waiting() is None and user.held(Answer) == Answer(7, "erased")
    user.clear(RequestDraft)  # another room's step is not touched
    assert user.held(Decision) == Answer(7, "erased")
    user.clear()
    assert user == UserData()


async def test_the_persistence_loads_what_an_older_version_stored(services: Services) -> None:
    blob = services.cipher.encrypt(
        json.dumps(OLDER_USER_DATA).encode(), contexts.bot_state("user", "5001")
    )
    async with services.db.transaction() as conn:
        await bot_state.save(conn, "user", "5001", blob)
    persistence = SqlitePersistence(services.db, services.cipher)
    assert await persistence.get_user_data() == {5001: UserData()}
