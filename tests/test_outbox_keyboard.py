"""A notice with several buttons (a consent round's question): sent with its keyboard by a
sender that can, with its one fallback button by one that cannot; withdrawn by its key
while it has not gone out."""

from __future__ import annotations

from bot import outbox
from bot.jobs.dispatcher import Dispatcher, SendOutcome, Sent
from bot.outbox import Button, Keyboard, NoticeAction
from bot.services import Services
from storage import outbox as rows
from tests.support import FakeClock

KEYBOARD = Keyboard(
    rows=(
        (
            Button("1. Ja", NoticeAction.ROUND_CHOOSE, (7, 1)),
            Button("1. Nee", NoticeAction.ROUND_CHOOSE, (7, 2)),
        ),
        (Button("Versturen", NoticeAction.ROUND_SEND, (7, 0)),),
    ),
    fallback=Button("Beantwoorden", NoticeAction.ROUND_QUESTION, (7,)),
)


class Senders:
    def __init__(self) -> None:
        self.plain: list[str] = []
        self.buttons: list[Button] = []
        self.keyboards: list[Keyboard] = []

    async def text(self, chat_id: int, text: str) -> SendOutcome:
        self.plain.append(text)
        return Sent()

    async def button(self, chat_id: int, text: str, button: Button) -> SendOutcome:
        self.buttons.append(button)
        return Sent()

    async def keyboard(self, chat_id: int, text: str, keyboard: Keyboard) -> SendOutcome:
        self.keyboards.append(keyboard)
        return Sent()


async def _queue(s: Services, text: str, key: str, keyboard: Keyboard | None) -> None:
    async with s.db.transaction() as conn:
        await outbox.enqueue(
            conn,
            s.cipher,
            s.clock.now(),
            chat_id=100,
            text=text,
            school_id=None,
            key=key,
            keyboard=keyboard,
        )


async def test_a_keyboard_goes_whole_or_as_its_fallback(
    services: Services, clock: FakeClock
) -> None:
    await _queue(services, "question", "round:1:1:1", KEYBOARD)
    senders = Senders()
    with_keyboards = Dispatcher(
        services.db,
        services.cipher,
        clock,
        senders.text,
        button_sender=senders.button,
        keyboard_sender=senders.keyboard,
    )
    assert await with_keyboards.run_once() == 1
    assert senders.keyboards == [KEYBOARD] and senders.buttons == []

    await _queue(services, "question", "round:1:2:1", KEYBOARD)
    without = Dispatcher(
        services.db, services.cipher, clock, senders.text, button_sender=senders.button
    )
    assert await without.run_once() == 1
    assert senders.buttons == [KEYBOARD.fallback]
    assert senders.plain == []
    assert outbox.keyboard_of(None) is None
    assert outbox.keyboard_of('{"label": "x", "action": "sco", "args": [1]}') is None


async def test_pending_keyed_messages_are_withdrawn_with_their_parts(
    services: Services, clock: FakeClock
) -> None:
    long = "\n".join(["regel " * 60] * 30)  # split over several messages
    await _queue(services, long, "round:1:1:1", KEYBOARD)
    await _queue(services, "other", "round:1:1:10", None)
    parts = await rows.pending_count(services.db.reader)
    assert parts > 2
    async with services.db.transaction() as conn:
        dropped = await rows.drop_pending_keyed(conn, ["round:1:1:1"])
    assert dropped == parts - 1
    assert await rows.pending_count(services.db.reader) == 1  # a key that only starts alike
