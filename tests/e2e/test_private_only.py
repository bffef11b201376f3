"""Privacyloket works only in private chats: in a group, supergroup or channel it says so in
one line and leaves, stores nothing, and never shows a child or a request there."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from bot.emulator import FakeGroup, FakeUser
from storage.db import fetch_one
from tests.e2e.harness import Harness
from tests.e2e.helpers import guardian_code, linked_parent

TABLES = ("accounts", "account_links", "bot_state", "audit_events", "cases", "outbox", "inbox")
LINE = {
    "nl": "Ik werk alleen in een privégesprek. Opent u @KlimopTestBot en stuurt u daar /start.",
    "en": "I only work in a private chat. Please open @KlimopTestBot and send /start there.",
}


async def _rows(h: Harness) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        row = await fetch_one(h.s.db.reader, f"SELECT COUNT(*) FROM {table}")
        assert row is not None
        counts[table] = int(row[0])
    return counts


def _group(n: int, kind: str) -> FakeGroup:
    return FakeGroup(-(1000 + n) if kind == "group" else -(1_000_000_000_000 + n), type=kind)


async def _in_group(
    h: Harness, user: FakeUser, group: FakeGroup, inject: Callable[[], int]
) -> None:
    """The update is handled; the group got at most the one line and the bot left it."""
    before = await _rows(h)
    private_before = len(h.fake.messages(user.id))
    seen = await h.run(user, inject)
    assert seen.messages == []
    assert len(h.fake.messages(user.id)) == private_before
    said = [m.text for m in h.fake.messages(group.id) if m.message_id not in _old(h, group)]
    assert said in ([], [LINE[user.language_code or "nl"]])
    assert h.fake.has_left(group.id)
    assert await _rows(h) == before


def _old(h: Harness, group: FakeGroup) -> set[int]:
    """Messages placed in the group by the test itself (an older bot's menu)."""
    return {m.message_id for m in h.fake.messages(group.id) if m.html.startswith("Menu")}


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_a_code_typed_in_a_group_links_nothing(harness: Harness, kind: str) -> None:
    user = FakeUser(6101, "Marieke", "nl")
    code = await guardian_code(harness, "Marieke de Jong")
    group = _group(1, kind)
    await _in_group(
        harness, user, group, lambda: harness.fake.send_text(user, f"/start {code}", group=group)
    )
    assert group.id in {c.params.get("chat_id") for c in harness.fake.calls_to("sendMessage")}
    # The code was not used up: it still works in the private chat.
    person = harness.person(user.id, "Marieke", "nl")
    seen = await person.send(f"/start {code}")
    assert "geboortedatum" in seen.text


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_a_linked_parent_sees_nothing_of_their_children_in_a_group(
    harness: Harness, kind: str
) -> None:
    parent = await linked_parent(harness, 6102, "James Whitfield", "en")
    user = parent.user
    fake = harness.fake
    for n, text in enumerate(
        [
            "/menu",
            "/help",
            "/privacy",
            "/forgetme",
            "/cancel",
            "/start",
            "/menu@KlimopTestBot",
            "Hello, what does the school know about Zoë?",
        ]
    ):
        group = _group(10 + n, kind)
        await _in_group(
            harness, user, group, functools.partial(fake.send_text, user, text, group=group)
        )
    # A button under a message in a group (say, a menu an older version posted there),
    # carrying valid data for this parent: answered with the one line, nothing shown.
    group = _group(30, kind)
    data = harness.app.bot_data["codec"].encode(user.id, "flow", "access")  # type: ignore[union-attr]
    menu = fake.bot_message_in_group(group, "Menu", [[("What the school records", data)]])
    update_id, query_id = 0, ""

    def tap() -> int:
        nonlocal update_id, query_id
        update_id, query_id = fake.tap(user, menu, "What the school records")
        return update_id

    await _in_group(harness, user, group, tap)
    answer = fake.callback_answer(query_id)
    assert answer is not None and answer.get("text") == LINE["en"]
    assert all("Zoë" not in m.text for m in fake.messages(group.id))
    # The account still works in private, and the forget command in the group did nothing.
    seen = await parent.send("/menu")
    assert "Zoë" in seen.text


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_added_to_a_group_the_bot_says_one_line_and_leaves(
    harness: Harness, kind: str
) -> None:
    user = FakeUser(6103, "Anouk", "nl")
    group = _group(40, kind)
    await _in_group(harness, user, group, lambda: harness.fake.add_bot_to_group(user, group))
    assert [m.text for m in harness.fake.messages(group.id)] == [LINE["nl"]]


async def test_in_a_channel_the_bot_only_leaves(harness: Harness) -> None:
    user = FakeUser(6104, "Anouk", "nl")
    channel = FakeGroup(-1_000_000_000_999, "Nieuws", "channel")
    await _in_group(harness, user, channel, lambda: harness.fake.add_bot_to_group(user, channel))
    assert harness.fake.messages(channel.id) == []
