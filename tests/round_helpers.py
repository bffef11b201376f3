"""Setting up consent rounds for domain tests: the head teacher, parents who use the bot,
a draft, and what the outbox holds for a chat."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from bot.domain.model import Actor
from bot.domain.rounds.model import Audience, Round, RoundDraft
from bot.domain.staff_base import StaffActor
from bot.outbox import keyboard_of
from bot.services import Services
from storage import outbox, schools
from storage.db import fetch_all
from tests.domain_helpers import link_guardian, link_staff
from tests.support import SCHOOL_TOML, FakeClock

DIRECTOR = 7002
MARIEKE, JAMES, PRIYA = 5001, 5002, 5003


async def klimop_id(s: Services) -> int:
    found = await schools.find_id(s.db.reader, "cbs-klimop")
    assert found is not None
    return found


async def director(s: Services, clock: FakeClock) -> StaffActor:
    await link_staff(s, clock, "J. de Vries", "director", [], DIRECTOR)
    return StaffActor(DIRECTOR)


async def parents(s: Services, clock: FakeClock) -> dict[int, Actor]:
    """Marieke and James (Zoë, group 3) and Priya (Arjun, group 3, and Meera, group 7)
    use the bot; every other guardian of the roster does not."""
    linked = {
        MARIEKE: await link_guardian(s, clock, "Marieke de Jong", MARIEKE),
        JAMES: await link_guardian(s, clock, "James Whitfield", JAMES),
        PRIYA: await link_guardian(s, clock, "Priya Sharma", PRIYA),
    }
    await s.accounts.set_language(JAMES, "en")  # James reads the bot in English
    return linked


async def draft(s: Services, clock: FakeClock, **changes: object) -> RoundDraft:
    base = RoundDraft(
        school_ids=(await klimop_id(s),),
        purposes=("website", "newsletter"),
        audience=Audience.EVERYONE,
        closes_on=clock.now().date() + timedelta(days=14),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def start(s: Services, clock: FakeClock, key: str = "k1", **changes: object) -> Round:
    started = await s.rounds.start(
        StaffActor(DIRECTOR), await draft(s, clock, **changes), idempotency_key=key
    )
    assert len(started) == 1
    return started[0]


async def pending(s: Services, chat_id: int) -> list[tuple[str, str | None]]:
    """(text, key) of each pending outbox message for a chat, in order."""
    rows = await outbox.due(s.db.reader, "9999", 100_000)
    return [
        (s.cipher.decrypt_text(r.body, f"outbox:{r.ref}"), r.key)
        for r in rows
        if r.chat_id == chat_id
    ]


async def keyboards(
    s: Services, chat_id: int
) -> list[list[list[tuple[str, str, tuple[int, ...]]]]]:
    """The keyboard under each pending message of a chat: rows of (label, action, args)."""
    found = []
    for r in await outbox.due(s.db.reader, "9999", 100_000):
        keyboard = keyboard_of(r.button)
        if r.chat_id == chat_id and keyboard is not None:
            found.append(
                [[(b.label, str(b.action), b.args) for b in row] for row in keyboard.rows]
            )
    return found


async def request_id(s: Services, round_id: int, guardian_chat: int) -> int:
    """The request of the round whose question went to this chat (its first)."""
    rows = await fetch_all(
        s.db.reader,
        "SELECT q.id FROM consent_round_requests q JOIN account_links l "
        "ON l.guardian_id = q.guardian_id WHERE q.round_id = ? AND l.telegram_user_id = ? "
        "ORDER BY q.id",
        (round_id, guardian_chat),
    )
    return int(rows[0][0])


async def ledger(s: Services) -> list[tuple[int, str, bool, str | None, int | None]]:
    """(guardian, purpose, granted, source, round) of every ledger row, oldest first."""
    return [
        (int(r[0]), str(r[1]), bool(r[2]), r[3], r[4])
        for r in await fetch_all(
            s.db.reader,
            "SELECT guardian_id, purpose, granted, source, round_id FROM consent_ledger "
            "ORDER BY id",
        )
    ]


async def audit_actions(s: Services) -> list[tuple[str, dict[str, object]]]:
    return [
        (str(r[0]), json.loads(r[1]))
        for r in await fetch_all(
            s.db.reader, "SELECT action, details FROM audit_events ORDER BY id"
        )
    ]


def two_schools(folder: Path) -> Path:
    """cbs Klimop and a second school of the same foundation (obs De Linde), one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    klimop = SCHOOL_TOML.read_text(encoding="utf-8")
    (folder / "cbs-klimop.toml").write_text(klimop, encoding="utf-8")
    linde = klimop.replace('slug = "cbs-klimop"', 'slug = "de-linde"').replace(
        'name = "cbs Klimop"', 'name = "obs De Linde"'
    )
    (folder / "de-linde.toml").write_text(linde, encoding="utf-8")
    return folder


def day(text: str) -> date:
    return date.fromisoformat(text)
