"""Telegram accounts and what they are linked to (guardian or staff records)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class Account:
    telegram_user_id: int
    chat_id: int
    language: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Link:
    school_id: int
    guardian_id: int | None
    staff_id: int | None
    linked_at: str


async def get(conn: Connection, telegram_user_id: int) -> Account | None:
    row = await fetch_one(
        conn,
        "SELECT telegram_user_id, chat_id, language, created_at FROM accounts "
        "WHERE telegram_user_id = ?",
        (telegram_user_id,),
    )
    return Account(*tuple(row)) if row else None


async def ensure(
    conn: Connection, telegram_user_id: int, chat_id: int, language: str, at: str
) -> None:
    await conn.execute(
        "INSERT INTO accounts (telegram_user_id, chat_id, language, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_user_id) DO UPDATE SET chat_id = "
        "excluded.chat_id",
        (telegram_user_id, chat_id, language, at),
    )


async def set_language(conn: Connection, telegram_user_id: int, language: str) -> bool:
    changed = await conn.execute(
        "UPDATE accounts SET language = ? WHERE telegram_user_id = ?",
        (language, telegram_user_id),
    )
    return changed == 1


async def add_link(
    conn: Connection,
    telegram_user_id: int,
    school_id: int,
    invitation_id: int,
    at: str,
    *,
    guardian_id: int | None = None,
    staff_id: int | None = None,
) -> bool:
    """Link the account; False when it already was linked to that guardian or staff record."""
    changed = await conn.execute(
        "INSERT INTO account_links (telegram_user_id, school_id, guardian_id, "
        "staff_id, invitation_id, linked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (telegram_user_id, school_id, guardian_id, staff_id, invitation_id, at),
    )
    return changed == 1


async def links(conn: Connection, telegram_user_id: int) -> list[Link]:
    return [
        Link(*tuple(r))
        for r in await fetch_all(
            conn,
            "SELECT school_id, guardian_id, staff_id, linked_at FROM account_links "
            "WHERE telegram_user_id = ? ORDER BY id",
            (telegram_user_id,),
        )
    ]


async def delete(conn: Connection, telegram_user_id: int) -> bool:
    changed = await conn.execute(
        "DELETE FROM accounts WHERE telegram_user_id = ?", (telegram_user_id,)
    )
    return changed == 1


@dataclass(frozen=True, slots=True)
class Recipient:
    chat_id: int
    language: str
    staff_id: int | None = None
    """The staff member this chat is reached as, for a notice to staff."""


async def recipients(
    conn: Connection, *, staff_ids: Sequence[int] = (), guardian_ids: Sequence[int] = ()
) -> list[Recipient]:
    """The Telegram chats linked to these staff members or guardians (each chat once)."""
    ids = [("staff_id", i) for i in staff_ids] + [("guardian_id", i) for i in guardian_ids]
    found: dict[int, Recipient] = {}
    for column, value in ids:
        staff_id = value if column == "staff_id" else None
        for r in await fetch_all(
            conn,
            f"SELECT a.chat_id, a.language FROM account_links l JOIN accounts a "
            f"ON a.telegram_user_id = l.telegram_user_id WHERE l.{column} = ? ORDER BY l.id",
            (value,),
        ):
            found.setdefault(int(r[0]), Recipient(int(r[0]), str(r[1]), staff_id))
    return list(found.values())


async def unlink_staff(
    conn: Connection, staff_id: int, *, keep_user: int | None = None
) -> list[int]:
    """End every Telegram link of a staff member (but ``keep_user``'s); the accounts that
    lost one."""
    rows = await fetch_all(
        conn,
        "DELETE FROM account_links WHERE staff_id = ? AND telegram_user_id IS DISTINCT FROM ? "
        "RETURNING telegram_user_id",
        (staff_id, keep_user),
    )
    return [int(r[0]) for r in rows]
