"""Failed code and date-of-birth attempts per (pseudonymous) Telegram account."""

from __future__ import annotations

from storage.db import Connection, fetch_one


async def get(conn: Connection, account: str) -> tuple[int, str] | None:
    """(failures, blocked_until) for the account, or None."""
    row = await fetch_one(
        conn, "SELECT failures, blocked_until FROM login_backoff WHERE account = ?", (account,)
    )
    return (int(row[0]), str(row[1])) if row else None


async def put(conn: Connection, account: str, failures: int, blocked_until: str) -> None:
    await conn.execute(
        "INSERT INTO login_backoff (account, failures, blocked_until) VALUES (?, ?, ?) "
        "ON CONFLICT (account) DO UPDATE SET failures = excluded.failures, "
        "blocked_until = excluded.blocked_until",
        (account, failures, blocked_until),
    )


async def clear(conn: Connection, account: str) -> None:
    await conn.execute("DELETE FROM login_backoff WHERE account = ?", (account,))


async def prune(conn: Connection, before: str) -> int:
    """Forget accounts whose last block ended before ``before``."""
    changed = await conn.execute("DELETE FROM login_backoff WHERE blocked_until < ?", (before,))
    return changed
