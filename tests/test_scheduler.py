"""Updates per person: strictly in order, concurrently across people, fair under a burst."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from handlers.scheduler import PerKeyScheduler


class Recorder:
    def __init__(self) -> None:
        self.log: list[str] = []
        self.running: set[str] = set()
        self.most_at_once = 0
        self.gates: dict[str, asyncio.Event] = {}

    async def __call__(self, item: str) -> None:
        key = item[0]
        assert key not in {r[0] for r in self.running}, "one key ran twice at once"
        self.running.add(item)
        self.most_at_once = max(self.most_at_once, len(self.running))
        self.log.append(f"{item} start")
        gate = self.gates.get(item)
        if gate is not None:
            await gate.wait()
        await asyncio.sleep(0)
        self.log.append(f"{item} end")
        self.running.discard(item)


async def _until(predicate: Callable[[], bool]) -> None:
    for _ in range(10_000):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not met")


async def test_one_person_strictly_in_order_while_others_go_on() -> None:
    rec = Recorder()
    rec.gates["a1"] = asyncio.Event()
    scheduler = PerKeyScheduler(rec, concurrency=4)
    scheduler.start()
    for item in ("a1", "a2", "b1"):
        scheduler.add(ord(item[0]), item)
    await _until(lambda: "b1 end" in rec.log)
    assert "a2 start" not in rec.log  # a2 waits for a1, b1 did not
    rec.gates["a1"].set()
    await _until(lambda: "a2 end" in rec.log)
    assert rec.log.index("a1 end") < rec.log.index("a2 start")
    await scheduler.stop()


async def test_a_burst_cannot_take_every_slot_or_starve_others() -> None:
    rec = Recorder()
    scheduler = PerKeyScheduler(rec, concurrency=2)
    for n in range(20):
        scheduler.add(1, f"a{n:02d}")
    for key, name in ((2, "b"), (3, "c")):
        scheduler.add(key, f"{name}00")
    scheduler.start()
    await _until(lambda: scheduler.waiting == 0 and not rec.running)
    starts = [line.split()[0] for line in rec.log if line.endswith("start")]
    assert [s for s in starts if s.startswith("a")] == [f"a{n:02d}" for n in range(20)]
    # b and c ran among the first few, not after a's twenty.
    assert starts.index("b00") < 4 and starts.index("c00") < 4
    assert rec.most_at_once <= 2
    await scheduler.stop()


async def test_stop_lets_running_items_finish_and_keeps_the_rest_out() -> None:
    rec = Recorder()
    rec.gates["a1"] = asyncio.Event()
    scheduler = PerKeyScheduler(rec, concurrency=1)
    scheduler.start()
    scheduler.add(1, "a1")
    scheduler.add(1, "a2")
    await _until(lambda: "a1 start" in rec.log)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0)
    rec.gates["a1"].set()
    await stopping
    assert rec.log == ["a1 start", "a1 end"]
