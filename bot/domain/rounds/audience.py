"""Who a round asks, and whom it can reach in the bot.

Everyone: every guardian of every current pupil. Unanswered: only a guardian who has no
answer of their own for at least one of the round's purposes (a new purpose, a new
pupil). A guardian is reached in the bot through the Telegram account linked to them;
one without a linked account, or whose chat could not be reached the last time the bot
wrote to it (they blocked the bot), needs paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.rounds.model import Audience
from storage.db import Connection, fetch_all


class Reach(StrEnum):
    BOT = "bot"
    NOT_LINKED = "not_linked"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class Contact:
    """How a guardian is reached: their newest linked chat and its language, or paper."""

    reach: Reach
    chat_id: int | None = None
    language: str | None = None


async def pairs(
    conn: Connection, school_id: int, purposes: Sequence[str], audience: Audience
) -> list[tuple[int, int]]:
    """(student, guardian) pairs the round asks, by the child's group and name."""
    rows = await fetch_all(
        conn,
        "SELECT gs.student_id, gs.guardian_id FROM guardian_students gs "
        "JOIN students s ON s.id = gs.student_id LEFT JOIN school_groups g "
        "ON g.id = s.group_id WHERE s.school_id = ? AND s.left_at IS NULL "
        "AND s.removed_at IS NULL ORDER BY CAST(g.name AS INTEGER), g.name, s.first_name, "
        "s.last_name, s.id, gs.guardian_id",
        (school_id,),
    )
    found = [(int(r[0]), int(r[1])) for r in rows]
    if audience == Audience.EVERYONE:
        return found
    answered = await answered_all(conn, school_id, purposes)
    return [pair for pair in found if pair not in answered]


async def answered_all(
    conn: Connection, school_id: int, purposes: Sequence[str]
) -> set[tuple[int, int]]:
    """(student, guardian) pairs where the guardian answered every one of ``purposes``."""
    if not purposes:
        return set()
    marks = ",".join("?" * len(purposes))
    rows = await fetch_all(
        conn,
        "SELECT student_id, guardian_id FROM consent_ledger WHERE school_id = ? "
        f"AND purpose IN ({marks}) GROUP BY student_id, guardian_id "
        "HAVING COUNT(DISTINCT purpose) = ?",
        (school_id, *purposes, len(set(purposes))),
    )
    return {(int(r[0]), int(r[1])) for r in rows}


async def contacts(conn: Connection, school_id: int) -> dict[int, Contact]:
    """Every guardian of the school with a linked account: their newest linked chat, and
    whether that chat could be reached the last time the bot wrote to it. A guardian not
    in the result is not linked."""
    rows = await fetch_all(
        conn,
        "SELECT l.guardian_id, a.chat_id, a.language, (SELECT o.status FROM outbox o "
        "WHERE o.chat_id = a.chat_id ORDER BY o.id DESC LIMIT 1) FROM account_links l "
        "JOIN accounts a ON a.telegram_user_id = l.telegram_user_id "
        "JOIN guardians g ON g.id = l.guardian_id WHERE g.school_id = ? ORDER BY l.id",
        (school_id,),
    )
    found: dict[int, Contact] = {}
    for guardian_id, chat_id, language, last_status in rows:
        reach = Reach.BLOCKED if last_status == "undeliverable" else Reach.BOT
        found[int(guardian_id)] = Contact(reach, int(chat_id), str(language))
    return found


def reach_of(contacts: dict[int, Contact], guardian_id: int) -> Contact:
    return contacts.get(guardian_id, Contact(Reach.NOT_LINKED))
