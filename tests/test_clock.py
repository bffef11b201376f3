"""The adjustable clock: frozen for the tests, running for the demo, and only ever forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import AdjustableClock

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_a_frozen_clock_moves_only_when_told() -> None:
    clock = AdjustableClock(START)
    assert clock.now() == START
    clock.advance(days=7, hours=1)
    assert clock.now() == START + timedelta(days=7, hours=1)


def test_a_running_clock_keeps_running_after_a_jump() -> None:
    clock = AdjustableClock(START, running=True)
    first = clock.now()
    assert first >= START
    clock.advance(days=1)
    second = clock.now()
    assert second >= first + timedelta(days=1)
    assert clock.now() >= second


def test_a_clock_never_moves_back() -> None:
    clock = AdjustableClock(START)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(days=-1)
    assert clock.now() == START
