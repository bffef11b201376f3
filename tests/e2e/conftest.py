from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import FakeBotAPI
from bot.schools.invitations import issue_guardian_codes, issue_staff_code
from bot.schools.roster import import_roster, parse_roster
from tests.e2e.harness import Harness, transcript_dir
from tests.support import ROSTER_CSV, SCHOOL_TOML, FakeClock, make_settings


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
    fake: FakeBotAPI, tmp_path: Path, clock: FakeClock, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    overrides: dict[str, object] = {}
    if request.node.get_closest_marker("two_schools"):
        overrides["schools"] = two_schools(tmp_path / "schools")
    settings = make_settings(
        tmp_path, bot_token="123456:TEST-TOKEN", api_base_url=fake.api_root, **overrides
    )
    h = Harness(fake, settings, clock)
    await h.start()
    school = h.s.school("cbs-klimop")
    rows = parse_roster(ROSTER_CSV.read_bytes(), clock.now().date())
    await import_roster(h.s.db, h.s.keys, clock, school, rows)
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


async def guardian_code(h: Harness, guardian_name: str) -> str:
    """The open code of a guardian (codes are issued once per test, as for letters)."""
    codes = h.guardian_codes
    if not codes:
        issued = await issue_guardian_codes(
            h.s.db, h.s.keys, h.clock, h.s.school("cbs-klimop"), days=30
        )
        codes.update({i.guardian_name: i.code for i in issued})
    return codes[guardian_name]


async def staff_code(
    h: Harness, name: str, role: str, groups: list[str], school: str = "cbs-klimop"
) -> str:
    issued = await issue_staff_code(
        h.s.db,
        h.s.keys,
        h.clock,
        h.s.school(school),
        name=name,
        role=role,
        groups=groups,
        days=7,
    )
    return issued.code
