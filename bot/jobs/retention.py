"""Retention of the bot's own data: what it no longer needs is erased, on a daily run.

Periods come from each school's config (``[retention]``). Closed cases keep their record
(number, kind, dates, outcome, timeline) and lose what people typed; a pupil who left long
ago keeps only a row without personal data, so the record of their cases stays whole.
Every run writes one audit event per school with its counts; the ledger of job runs makes
it once a day, also across restarts.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.domain.deadlines import add_months
from bot.jobs.schedule import due_period
from bot.schools.config import SchoolConfig
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import bot_state, job_runs, retention
from storage.db import Connection, Database, fetch_all, to_db

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Counts:
    case_texts: int = 0
    delivered_messages: int = 0
    ended_invitations: int = 0
    pupils_removed: int = 0
    consent_rows_purged: int = 0
    accounts_forgotten: int = 0


def _months_ago(now: datetime, months: int) -> datetime:
    return datetime.combine(add_months(now.date(), -months), now.timetz())


async def run(
    db: Database, keys: Keys, clock: Clock, schools: dict[int, SchoolConfig]
) -> dict[int, Counts]:
    """The daily pass, for every school whose run is due and has not happened today
    (local time, ``schedule.retention_time``); returns the counts per school id."""
    now = clock.now()
    done: dict[int, Counts] = {}
    for school_id, school in sorted(schools.items()):
        period = due_period(now, school.tz, school.schedule.retention_time, "daily")
        if period is None:
            continue
        async with db.transaction() as conn:
            if not await job_runs.claim(conn, school_id, "retention", period, to_db(now)):
                continue
            counts = await _erase(conn, school_id, school, now)
            await audit.record(
                conn,
                keys.audit,
                now,
                actor="system:retention",
                action=AuditAction.RETENTION_RUN,
                school_id=school_id,
                details=asdict(counts),
            )
        done[school_id] = counts
        log.info("retention for school %s: %s", school_id, asdict(counts))
    if done and not await db.compact():
        log.warning("retention: the write-ahead log was in use and could not be emptied")
    return done


async def _erase(conn: Connection, school_id: int, school: SchoolConfig, now: datetime) -> Counts:
    periods = school.retention
    texts = await retention.erase_closed_case_texts(
        conn, school_id, to_db(_months_ago(now, periods.closed_case_text_months))
    )
    messages = await retention.delete_outbox(
        conn,
        school_id,
        to_db(now - timedelta(days=periods.delivered_message_days)),
        to_db(now - timedelta(days=periods.undeliverable_message_days)),
    )
    invitations = await retention.delete_invitations(
        conn, school_id, to_db(now - timedelta(days=periods.ended_invitation_days))
    )
    pupils = await retention.pupils_left_before(
        conn, school_id, to_db(_months_ago(now, 12 * periods.left_pupil_years))
    )
    purged = 0
    for student_id in pupils:
        purged += await retention.remove_pupil(conn, student_id, to_db(now))
    forgotten = await _forget_unlinked_accounts(conn)
    return Counts(texts, messages, invitations, len(pupils), purged, forgotten)


async def _forget_unlinked_accounts(conn: Connection) -> int:
    """Accounts whose every link went with a removed pupil: the account and its state go."""
    rows = await fetch_all(
        conn,
        "SELECT telegram_user_id FROM accounts "
        "WHERE telegram_user_id NOT IN (SELECT telegram_user_id FROM account_links)",
    )
    for row in rows:
        await conn.execute("DELETE FROM accounts WHERE telegram_user_id = ?", (row[0],))
        await bot_state.delete_key(conn, str(row[0]))
    return len(rows)
