"""Updates: concurrent across chats, in order within a chat, never twice."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Chat, Message, Update, User

from handlers.update_processor import ChatOrderedProcessor


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Test", is_bot=False)
    chat = Chat(chat_id, "private")
    message = Message(update_id, date=None, chat=chat, from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


class Claims:
    def __init__(self) -> None:
        self.seen: set[int] = set()

    async def __call__(self, update_id: int) -> bool:
        if update_id in self.seen:
            return False
        self.seen.add(update_id)
        return True


async def test_one_chat_is_strictly_in_order_while_other_chats_go_on() -> None:
    processor = ChatOrderedProcessor(Claims())
    log: list[str] = []
    release_first = asyncio.Event()
    other_chat_ran = asyncio.Event()

    async def first() -> None:
        log.append("a1 start")
        await release_first.wait()
        log.append("a1 end")

    async def second() -> None:
        log.append("a2")

    async def other() -> None:
        log.append("b1")
        other_chat_ran.set()

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 100), first())),
        asyncio.create_task(processor.process_update(_update(2, 100), second())),
        asyncio.create_task(processor.process_update(_update(3, 200), other())),
    ]
    # Chat 200 is handled while chat 100 is still busy with its first update...
    await asyncio.wait_for(other_chat_ran.wait(), 5)
    assert "a2" not in log  # ...and chat 100's second update waits its turn.
    release_first.set()
    await asyncio.gather(*tasks)
    assert log.index("a1 end") < log.index("a2")


async def test_a_seen_update_is_skipped_without_running_it() -> None:
    done: list[int] = []
    processor = ChatOrderedProcessor(Claims(), on_done=done.append)
    ran: list[int] = []

    async def handle(n: int) -> Any:
        ran.append(n)

    await processor.process_update(_update(7, 100), handle(1))
    await processor.process_update(_update(7, 100), handle(2))
    assert ran == [1]
    assert done == [7, 7]
