"""Forgetting what the bot no longer needs, by age. Each function returns how many rows."""

from __future__ import annotations

from storage.db import Connection, fetch_all


async def erase_closed_case_texts(conn: Connection, school_id: int, closed_before: str) -> int:
    """What people typed on cases closed before the cutoff: the parent's text, the extension
    reason, the messages to the parent (the answer, a restriction's lifting), internal notes
    and the names of attached documents.
    The record (number, kind, dates, outcome, timeline with who acted) stays."""
    closed = "SELECT id FROM cases WHERE school_id = ? AND closed_at IS NOT NULL AND closed_at < ?"
    changed = await conn.execute(
        "UPDATE cases SET free_text = NULL, extension_reason = NULL, outcome_message = NULL, "
        f"lift_message = NULL WHERE id IN ({closed}) AND (free_text IS NOT NULL "
        "OR extension_reason IS NOT NULL OR outcome_message IS NOT NULL "
        "OR lift_message IS NOT NULL)",
        (school_id, closed_before),
    )
    erased = changed
    await conn.execute(
        f"DELETE FROM case_notes WHERE case_id IN ({closed})", (school_id, closed_before)
    )
    await conn.execute(
        f"UPDATE case_attachments SET file_name = NULL WHERE case_id IN ({closed}) "
        "AND file_name IS NOT NULL",
        (school_id, closed_before),
    )
    return erased


async def delete_outbox(
    conn: Connection, school_id: int | None, sent_before: str, undeliverable_before: str
) -> int:
    changed = await conn.execute(
        "DELETE FROM outbox WHERE school_id IS NOT DISTINCT FROM ? AND ("
        "(status = 'sent' AND sent_at < ?) OR (status = 'undeliverable' AND created_at < ?))",
        (school_id, sent_before, undeliverable_before),
    )
    return changed


async def delete_invitations(conn: Connection, school_id: int, ended_before: str) -> int:
    """Codes used, revoked or expired before the cutoff, unless an account link names them
    (that link is the record of how the account was verified)."""
    changed = await conn.execute(
        "DELETE FROM invitations WHERE school_id = ? "
        "AND (used_at < ? OR revoked_at < ? OR expires_at < ?) "
        "AND id NOT IN (SELECT invitation_id FROM account_links)",
        (school_id, ended_before, ended_before, ended_before),
    )
    return changed


async def pupils_left_before(conn: Connection, school_id: int, left_before: str) -> list[int]:
    """Pupils who left before the cutoff, not yet removed, with no open case."""
    rows = await fetch_all(
        conn,
        "SELECT s.id FROM students s WHERE s.school_id = ? AND s.removed_at IS NULL "
        "AND s.left_at IS NOT NULL AND s.left_at < ? AND NOT EXISTS ("
        "SELECT 1 FROM cases c WHERE c.student_id = s.id "
        "AND c.status IN ('submitted', 'in_progress')) ORDER BY s.id",
        (school_id, left_before),
    )
    return [int(r[0]) for r in rows]


async def remove_pupil(conn: Connection, student_id: int, at: str) -> int:
    """Strip a pupil of every personal detail, drop their consent ledger (through the purge
    marker) and their guardians' links; guardians left without a child are stripped too, and
    their accounts lose the link. Returns the number of consent ledger rows purged."""
    await conn.execute(
        "UPDATE students SET external_id = 'removed:' || id, first_name = '', last_name = '', "
        "birth_date_mac = '', group_id = NULL, removed_at = ? WHERE id = ?",
        (at, student_id),
    )
    await conn.execute("INSERT INTO consent_ledger_purge (student_id) VALUES (?)", (student_id,))
    changed = await conn.execute("DELETE FROM consent_ledger WHERE student_id = ?", (student_id,))
    purged = changed
    await conn.execute("DELETE FROM consent_ledger_purge WHERE student_id = ?", (student_id,))
    guardians = [
        int(r[0])
        for r in await fetch_all(
            conn, "SELECT guardian_id FROM guardian_students WHERE student_id = ?", (student_id,)
        )
    ]
    await conn.execute("DELETE FROM guardian_students WHERE student_id = ?", (student_id,))
    for guardian_id in guardians:
        remaining = await fetch_all(
            conn, "SELECT 1 FROM guardian_students WHERE guardian_id = ? LIMIT 1", (guardian_id,)
        )
        if remaining:
            continue
        await conn.execute("DELETE FROM account_links WHERE guardian_id = ?", (guardian_id,))
        await conn.execute(
            "DELETE FROM invitations WHERE guardian_id = ? "
            "AND id NOT IN (SELECT invitation_id FROM account_links)",
            (guardian_id,),
        )
        await conn.execute(
            "UPDATE guardians SET external_id = 'removed:' || id, name = '', email = '', "
            "removed_at = ? WHERE id = ?",
            (at, guardian_id),
        )
    return purged
