"""The rate budget the workers on one PostgreSQL database share: token buckets by name
(``all``, ``chat:<id>``), timed by the database's clock (migration 0012)."""

from __future__ import annotations

from storage.db import Connection, fetch_one

# Called on its own (autocommit): the setting holds for the statement's transaction, so its
# commit does not wait for the disk. A bucket lost in a crash only costs a moment's pacing.
_NO_FLUSH = "set_config('synchronous_commit', 'off', true)"


async def take(conn: Connection, name: str, rate: float, capacity: float, need: float) -> float:
    """Take a token (reserved when ``need`` is 0; only with ``need`` in hand otherwise):
    the seconds to wait before using it, or (not taken) before asking again."""
    row = await fetch_one(
        conn,
        f"SELECT {_NO_FLUSH}, take_rate_budget(?, ?::float8, ?::float8, ?::float8)",
        (name, rate, capacity, need),
    )
    assert row is not None
    return float(row[1])


async def take_chat_then_all(
    conn: Connection,
    chat: str,
    chat_rate: float,
    chat_capacity: float,
    rate: float,
    capacity: float,
) -> tuple[float, float | None]:
    """A reply's tokens in one round trip: the chat's, then (only when the chat has one now)
    the one of ``all`` (both reserved, as ``take`` with ``need`` 0). The seconds to wait for
    the chat's token, and for the one of ``all`` (None: not taken, the chat must wait first)."""
    row = await fetch_one(
        conn,
        f"SELECT {_NO_FLUSH}, c.wait, CASE WHEN c.wait <= 0 THEN "
        "take_rate_budget(?, ?::float8, ?::float8, 0::float8) END "
        # OFFSET 0 keeps the subquery apart: the chat's token is taken once, and first.
        "FROM (SELECT take_rate_budget(?, ?::float8, ?::float8, 0::float8) AS wait OFFSET 0) c",
        ("all", rate, capacity, chat, chat_rate, chat_capacity),
    )
    assert row is not None
    return float(row[1]), None if row[2] is None else float(row[2])


async def pause(conn: Connection, name: str, rate: float, seconds: float) -> None:
    """Nobody takes from the bucket for ``seconds`` (Telegram answered 429)."""
    await fetch_one(
        conn,
        f"SELECT {_NO_FLUSH}, pause_rate_budget(?, ?::float8, ?::float8)",
        (name, rate, seconds),
    )


async def prune(conn: Connection, idle_seconds: float) -> int:
    """Forget buckets not used for a while (a full bucket is what a new one starts as)."""
    return await conn.execute(
        "DELETE FROM rate_budget WHERE at < clock_timestamp() - make_interval(secs => ?)",
        (idle_seconds,),
    )
