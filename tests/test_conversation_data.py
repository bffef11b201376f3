"""What the bot keeps per chat and per person between updates: typed, stored as JSON, and
what an older version stored still loads (what cannot be read is left out, never a crash)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from bot.security import contexts
from bot.services import Services
from handlers.context import KEEP_CASE_MESSAGES, ChatData, Step, UserData
from handlers.onboarding import AwaitBirthDate, AwaitCode, ChooseLanguage
from handlers.parent.requests import RequestDraft
from handlers.persistence import SqlitePersistence
from handlers.staff.documents import AttachCopy
from handlers.staff.drafts import Answer, Decision, Extension, Lifting, Note, Refusal
from handlers.staff.paper_answers import PaperFormStep
from handlers.staff.photo_check import PhotoCheckStep
from handlers.staff.round_drafts import RoundDraftStep
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
    Lifting(7, text="Het onderzoek is klaar", written=True),
    RoundDraftStep([1, 2], ["website", "school_photographer"], "everyone", "2026-11-16"),
    RoundDraftStep([1], [], "unanswered", "2026-11-20", "Beste ouders", None, "en", key="4f2a"),
    PhotoCheckStep("website", 3, [3, 5], [12, 14], page=1, key="0f1e2d3c4b5a6978"),
    PaperFormStep(12, 21, "yunuuu"),
]


def test_every_step_round_trips_through_json() -> None:
    signing_up = [AwaitCode(), AwaitBirthDate(12, "en"), ChooseLanguage()]
    assert {s.tag for s in [*STEPS, *signing_up]} == Step.tags()
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
    assert await _user_data(persistence, 5001) == {5001: UserData()}


async def _user_data(persistence: SqlitePersistence, user_id: int) -> dict[int, UserData]:
    """What the bot holds of a person: all loaded at start on a database of its own, loaded
    when their update is served on one that several workers share."""
    loaded = await persistence.get_user_data()
    if loaded or not persistence.per_person:
        return loaded
    app: Any = SimpleNamespace(_user_data={}, _chat_data={})
    await persistence.load_person(app, user_id)
    return dict(app._user_data)


def test_the_sign_up_is_kept_beside_the_step_and_outlasts_a_button() -> None:
    for sign_up in (AwaitCode(), AwaitBirthDate(12, "en"), ChooseLanguage()):
        user = UserData(sign_up=sign_up)
        user.start(Note(7))
        user.interrupt()
        assert user.sign_up == sign_up
        assert UserData.from_json(json.loads(json.dumps(user.to_json()))) == user


async def _stored_by_an_older_version(
    services: Services, user: object, sign_up: str
) -> SqlitePersistence:
    """The person's data and the sign-up's conversation state as versions with a
    ConversationHandler stored them."""
    async with services.db.transaction() as conn:
        stored: tuple[tuple[str, str, object], ...] = (
            ("user", "5001", user),
            ("conversation:onboarding", "5001:5001", sign_up),
        )
        for kind, key, value in stored:
            blob = services.cipher.encrypt(
                json.dumps(value).encode(), contexts.bot_state(kind, key)
            )
            await bot_state.save(conn, kind, key, blob)
    return SqlitePersistence(services.db, services.cipher)


async def test_a_sign_up_stored_as_a_conversation_goes_on_after_the_update(
    services: Services,
) -> None:
    waiting_for_a_date = {**OLDER_USER_DATA, "pending_invitation": 12, "suggested_language": "en"}
    for user, state, expected in (
        ({}, "code", AwaitCode()),
        (OLDER_USER_DATA, "language", ChooseLanguage()),
        ({"pending_invitation": "12"}, "birth_date", AwaitCode()),
        (waiting_for_a_date, "birth_date", AwaitBirthDate(12, "en")),
    ):
        persistence = await _stored_by_an_older_version(services, user, state)
        loaded = await _user_data(persistence, 5001)
        assert loaded == {5001: UserData(sign_up=expected)}, state

    # With the person's next update, the data is stored as this version stores it and the
    # conversation state is gone.
    app: Any = SimpleNamespace(user_data=loaded, chat_data={})
    changes = persistence.changes_for(app, 5001)
    async with services.db.transaction() as conn:
        await persistence.write(conn, changes)
    persistence.committed(changes)
    assert await bot_state.load(services.db.reader, "conversation:onboarding") == {}
    again = SqlitePersistence(services.db, services.cipher)
    assert await _user_data(again, 5001) == {5001: UserData(sign_up=AwaitBirthDate(12, "en"))}
    assert persistence.changes_for(app, 5001) == []
