"""Who a Telegram chat belongs to: the guardian and staff records linked to its account."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all


@dataclass(frozen=True, slots=True)
class ChatOwner:
    guardian_ids: frozenset[int]
    staff_ids: frozenset[int]


async def owner_of_chat(conn: Connection, chat_id: int) -> ChatOwner:
    rows = await fetch_all(
        conn,
        "SELECT l.guardian_id, l.staff_id FROM accounts a JOIN account_links l "
        "ON l.telegram_user_id = a.telegram_user_id WHERE a.chat_id = ?",
        (chat_id,),
    )
    return ChatOwner(
        frozenset(int(r[0]) for r in rows if r[0] is not None),
        frozenset(int(r[1]) for r in rows if r[1] is not None),
    )
