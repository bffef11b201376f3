from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import FakeBotAPI
from tests.database_templates import DatabaseTemplates
from tests.e2e.harness import Harness, transcript_dir
from tests.support import SCHOOL_TOML, FakeClock, free_port, make_settings, webhook_settings


def two_schools(folder: Path) -> Path:
    """cbs Klimop and a second school of the foundation (obs De Linde), one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    klimop = SCHOOL_TOML.read_text(encoding="utf-8")
    (folder / "cbs-klimop.toml").write_text(klimop, encoding="utf-8")
    linde = klimop.replace('slug = "cbs-klimop"', 'slug = "de-linde"').replace(
        'name = "cbs Klimop"', 'name = "obs De Linde"'
    )
    (folder / "de-linde.toml").write_text(linde, encoding="utf-8")
    return folder


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(bot_username="KlimopTestBot") as server:
        yield server


@pytest.fixture
async def harness(
    fake: FakeBotAPI,
    tmp_path: Path,
    clock: FakeClock,
    database_templates: DatabaseTemplates,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Harness]:
    """The bot on the test's own copy of a database with the example roster imported."""
    overrides: dict[str, object] = {}
    if request.node.get_closest_marker("two_schools"):
        overrides["schools"] = two_schools(tmp_path / "schools")
    if request.node.get_closest_marker("webhook"):
        overrides.update(webhook_settings(free_port()))
    settings = make_settings(
        tmp_path, bot_token="123456:TEST-TOKEN", api_base_url=fake.api_root, **overrides
    )
    await database_templates.copy_into(settings, clock, roster=True)
    h = Harness(fake, settings, clock)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
        folder = transcript_dir()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
            chats = sorted({c for m in fake.calls for c in [m.params.get("chat_id")] if c})
            text = "\n\n".join(
                f"===== chat {chat} =====\n{fake.transcript(int(chat))}" for chat in chats
            )
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    assert fake.errors == [], [(c.method, c.description) for c in fake.errors]
    assert fake.unanswered_callback_queries() == []
