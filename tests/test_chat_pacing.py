"""Telegram's limit per chat (about one message a second, short bursts allowed): kept by
the bot's rate limiter for every send, and the outbox lets chats take turns."""

from __future__ import annotations

import itertools

from bot.jobs.dispatcher import by_turns
from handlers.rate_limiter import BULK, PriorityRateLimiter
from storage.outbox import OutboxRow


class FakeTime:
    """A clock that moves only when someone sleeps: waits are measured, not waited for."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def _limiter(time: FakeTime) -> PriorityRateLimiter:
    return PriorityRateLimiter(now=time, sleep=time.sleep)


async def _send(
    limiter: PriorityRateLimiter,
    time: FakeTime,
    chat: int,
    sent: list[tuple[int, float]],
    *,
    bulk: bool = True,
    method: str = "sendDocument",
) -> None:
    async def call() -> bool:
        sent.append((chat, time.now))
        return True

    await limiter.process_request(call, (), {}, method, {"chat_id": chat}, BULK if bulk else None)


async def test_a_long_send_to_one_chat_goes_about_one_a_second_after_a_short_burst() -> None:
    time = FakeTime()
    limiter = _limiter(time)
    sent: list[tuple[int, float]] = []
    for _ in range(30):
        await _send(limiter, time, 5001, sent)
    moments = [t for _, t in sent]
    assert moments[2] < 0.5  # the first few go at once
    # After the burst, never more than one message in any second.
    for earlier, later in itertools.pairwise(moments[3:]):
        assert later - earlier >= 1.0 - 1e-9
    assert 26.5 <= moments[-1] <= 28.5


async def test_replies_share_the_chats_budget_and_other_chats_are_not_held_up() -> None:
    time = FakeTime()
    limiter = _limiter(time)
    sent: list[tuple[int, float]] = []
    for _ in range(10):
        await _send(limiter, time, 5001, sent)
    done = time.now
    # Another chat's first message goes at once (only the shared 28/s budget applies).
    await _send(limiter, time, 5002, sent)
    assert sent[-1][1] - done < 0.1
    # A reply to the busy chat waits for that chat's own turn.
    await _send(limiter, time, 5001, sent, bulk=False, method="sendMessage")
    assert sent[-1][1] - done >= 0.9


async def test_answering_a_button_is_not_paced() -> None:
    time = FakeTime()
    limiter = _limiter(time)
    sent: list[tuple[int, float]] = []
    for _ in range(10):
        await _send(limiter, time, 5001, sent, bulk=False, method="answerCallbackQuery")
    assert time.now == 0.0


def _row(n: int, chat: int) -> OutboxRow:
    return OutboxRow(n, f"r{n}", chat, None, b"", 0)


def test_the_outbox_lets_chats_take_turns_keeping_each_chats_order() -> None:
    rows = [_row(n, 1) for n in range(1, 6)] + [_row(6, 2), _row(7, 3), _row(8, 2)]
    ordered = by_turns(rows)
    assert [r.id for r in ordered] == [1, 6, 7, 2, 8, 3, 4, 5]
    for chat in (1, 2, 3):
        ids = [r.id for r in ordered if r.chat_id == chat]
        assert ids == sorted(ids)
