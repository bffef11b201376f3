"""Telegram's 429 with the bot's own rate limiter: handled, waited for, one warning line."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import FakeBotAPI
from tests.database_templates import DatabaseTemplates
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent, linked_teacher, request_dossier_copy
from tests.support import FakeClock, make_settings


@pytest.fixture
async def limited(
    fake: FakeBotAPI, tmp_path: Path, clock: FakeClock, database_templates: DatabaseTemplates
) -> AsyncIterator[Harness]:
    settings = make_settings(tmp_path, bot_token="123456:TEST-TOKEN", api_base_url=fake.api_root)
    await database_templates.copy_into(settings, clock, roster=True)
    h = Harness(fake, settings, clock, rate_limit=True)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


def _rate_limit_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "rate limit" in r.getMessage().lower()]


async def test_a_429_on_an_outbox_notice_is_one_warning(
    limited: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    teacher = await linked_teacher(limited, 7001, ["1"])
    inge = await linked_parent(limited, 5001, "Inge Mulder", "nl")
    await request_dossier_copy(limited, inge)
    limited.fake.fail_next("sendMessage", 429, retry_after=0.05)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert await limited.deliver_outbox() == 0
        limited.clock.advance(seconds=1)
        assert await limited.deliver_outbox() == 1
    assert "Nieuw verzoek 2026-0001" in teacher.messages[-1].text
    assert [r.levelno for r in _rate_limit_lines(caplog)] == [logging.WARNING]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_429_on_a_reply_is_waited_for_with_one_warning(
    limited: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    inge = await linked_parent(limited, 5002, "Inge Mulder", "nl")
    limited.fake.fail_next("sendMessage", 429, retry_after=0.05)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        seen = await inge.send("/menu")
    assert "Wat de school vastlegt" in seen.buttons
    assert [r.levelno for r in _rate_limit_lines(caplog)] == [logging.WARNING]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
