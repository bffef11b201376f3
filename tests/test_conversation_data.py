"""What the bot keeps per chat and per person between updates: typed, stored as JSON, and
what an older version stored still loads (what cannot be read is left out, never a crash)."""

from __future__ import annotations

import json

from handlers.context import KEEP_CASE_MESSAGES, ChatData


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
