"""Invitation codes, stored only as a MAC of the code."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, fetch_all, fetch_one


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    school_id: int
    guardian_id: int | None
    staff_id: int | None
    expires_at: str
    used_at: str | None
    revoked_at: str | None
    birth_date_failures: int


_SELECT = (
    "SELECT id, school_id, guardian_id, staff_id, expires_at, used_at, revoked_at, "
    "birth_date_failures FROM invitations "
)


async def create(
    conn: Connection,
    school_id: int,
    code_mac: str,
    *,
    guardian_id: int | None = None,
    staff_id: int | None = None,
    created_at: str,
    expires_at: str,
) -> int:
    row = await fetch_one(
        conn,
        "INSERT INTO invitations (school_id, code_mac, guardian_id, staff_id, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (school_id, code_mac, guardian_id, staff_id, created_at, expires_at),
    )
    assert row is not None
    return int(row[0])


async def find_usable(conn: Connection, code_mac: str, now: str) -> Invitation | None:
    row = await fetch_one(
        conn,
        _SELECT + "WHERE code_mac = ? AND used_at IS NULL AND revoked_at IS NULL "
        "AND expires_at > ?",
        (code_mac, now),
    )
    return Invitation(*tuple(row)) if row else None


async def find(conn: Connection, code_mac: str) -> Invitation | None:
    """The invitation with this code, usable or not."""
    row = await fetch_one(conn, _SELECT + "WHERE code_mac = ?", (code_mac,))
    return Invitation(*tuple(row)) if row else None


async def get(conn: Connection, invitation_id: int) -> Invitation | None:
    row = await fetch_one(conn, _SELECT + "WHERE id = ?", (invitation_id,))
    return Invitation(*tuple(row)) if row else None


async def consume(conn: Connection, invitation_id: int, now: str) -> bool:
    """Mark the code used, only if it still is usable. True when this call used it."""
    changed = await conn.execute(
        "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL AND expires_at > ?",
        (now, invitation_id, now),
    )
    return changed == 1


async def add_birth_date_failure(conn: Connection, invitation_id: int) -> int:
    await conn.execute(
        "UPDATE invitations SET birth_date_failures = birth_date_failures + 1 WHERE id = ?",
        (invitation_id,),
    )
    invitation = await get(conn, invitation_id)
    assert invitation is not None
    return invitation.birth_date_failures


async def revoke(conn: Connection, invitation_id: int, now: str) -> None:
    await conn.execute(
        "UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        (now, invitation_id),
    )


async def revoke_open_for_staff(conn: Connection, staff_id: int, now: str) -> int:
    changed = await conn.execute(
        "UPDATE invitations SET revoked_at = ? WHERE staff_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL",
        (now, staff_id),
    )
    return changed


async def revoke_open_for_guardian(conn: Connection, guardian_id: int, now: str) -> int:
    changed = await conn.execute(
        "UPDATE invitations SET revoked_at = ? WHERE guardian_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL",
        (now, guardian_id),
    )
    return changed


async def guardians_with_open_code(conn: Connection, school_id: int, now: str) -> set[int]:
    return {
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT guardian_id FROM invitations WHERE school_id = ? AND guardian_id IS NOT NULL "
            "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
            (school_id, now),
        )
    }


async def guardians_linked(conn: Connection, school_id: int) -> set[int]:
    """Guardians whose Telegram account is linked: they use the bot and need no code."""
    return {
        int(r[0])
        for r in await fetch_all(
            conn,
            "SELECT DISTINCT guardian_id FROM account_links WHERE school_id = ? "
            "AND guardian_id IS NOT NULL",
            (school_id,),
        )
    }
