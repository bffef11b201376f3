"""The fake's group chats, leaveChat, command entities as Telegram marks them, and the
intercept hook crash tests use."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import Forbidden

from bot.emulator import ApiCall, FakeBotAPI, FakeGroup, FakeUser

ALICE = FakeUser(id=1001, first_name="Alice")
GROUP = FakeGroup(-2001, "Ouders", "supergroup")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


async def test_group_messages_answers_and_leaving(fake: FakeBotAPI, bot: Bot) -> None:
    fake.add_bot_to_group(ALICE, GROUP)
    fake.send_text(ALICE, "/menu", group=GROUP)
    updates = await bot.get_updates(timeout=0)
    member, message = updates
    assert member.my_chat_member is not None and member.my_chat_member.chat.type == "supergroup"
    assert message.message is not None and message.message.chat.id == GROUP.id
    assert message.message.from_user is not None and message.message.from_user.id == ALICE.id
    await bot.send_message(GROUP.id, "only in private")
    assert [m.text for m in fake.messages(GROUP.id)] == ["only in private"]
    assert await bot.leave_chat(GROUP.id)
    assert fake.has_left(GROUP.id)
    with pytest.raises(Forbidden):
        await bot.send_message(GROUP.id, "again")
    old = fake.bot_message_in_group(FakeGroup(-2002), "Menu", [[("Open", "data")]])
    update_id, query_id = fake.tap(ALICE, old, "Open")
    assert fake.update(update_id)["callback_query"]["message"]["chat"]["id"] == -2002
    assert await bot.answer_callback_query(query_id)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("/0", 2),
        ("/a_1@SomeBot rest", 12),
        ("/" + "x" * 32, 33),
        ("/" + "x" * 33, None),
        ("/ x", None),
        ("//", None),
    ],
)
async def test_commands_are_marked_as_telegram_marks_them(
    fake: FakeBotAPI, text: str, length: int | None
) -> None:
    update = fake.update(fake.send_text(ALICE, text))
    entities = update["message"].get("entities", [])
    assert [e["length"] for e in entities if e["type"] == "bot_command"] == (
        [length] if length else []
    )


async def test_intercept_sees_calls_before_and_after_and_can_drop_them(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.add_chat(ALICE)
    seen: list[tuple[str, str]] = []

    async def intercept(call: ApiCall, phase: str) -> bool:
        seen.append((call.params.get("text", ""), phase))
        return call.params.get("text") == "drop me"

    fake.intercept = intercept
    await bot.send_message(ALICE.id, "keep me")
    with pytest.raises(Exception):  # noqa: B017 - a 502, as PTB reports it
        await bot.send_message(ALICE.id, "drop me")
    assert seen == [("keep me", "before"), ("keep me", "after"), ("drop me", "before")]
    assert [m.text for m in fake.messages(ALICE.id)] == ["keep me"]
