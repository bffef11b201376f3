"""Reminders before a legal deadline and while it is overdue.

The staff member handling a case is reminded 7 and 2 days before its due date (the extended
date where there is one) and on every school day while it is overdue; the director gets one
message a school day listing every overdue case. A warning whose day is not a school day
comes on the last school day before it, so it always arrives before the due date; two
warnings that come on the same day (a due date just after a holiday) are one message.
Each warning is written to the ``job_runs`` ledger with its outbox message, keyed by case,
window and due date (or day, when overdue), so a restart, a missed run or two runs at once
neither lose nor repeat one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot import outbox
from bot.clock import Clock
from bot.domain.deadlines import is_school_day, school_day_on_or_before
from bot.domain.texts.for_staff import (
    open_case_button,
    overdue_summary,
    reminder_text,
    request_about,
)
from bot.i18n import language_or_default, use_language
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from storage import accounts, job_runs, people, reports, staff
from storage.accounts import Recipient
from storage.db import Connection, Database, from_db, to_db
from storage.reports import CaseDates

WINDOWS = (7, 2)  # days before the due date
SUMMARY = "overdue-summary"  # the director's daily list, in the job_runs ledger


def _number(row: CaseDates) -> str:
    return f"{row.year}-{row.seq:04d}"


def _due(row: CaseDates) -> date:
    return date.fromisoformat(row.extended_due_on or row.due_on)


def warning_day(due: date, window: int, holidays: Sequence[tuple[date, date]] = ()) -> date:
    """The day a warning ``window`` days before ``due`` is sent: that day, or the last school
    day before it when it falls on a weekend or in a holiday."""
    return school_day_on_or_before(due - timedelta(days=window), holidays)


def warnings_due(
    due: date, today: date, received: date, holidays: Sequence[tuple[date, date]] = ()
) -> list[str]:
    """The warnings ('7d', '2d') whose day has come by ``today`` (up to the due date itself,
    so one missed while the bot was down still comes). A warning whose day was not after the
    day the case came in is skipped: nobody is reminded of what is new."""
    if today > due:
        return []
    return [
        f"{window}d"
        for window in WINDOWS
        if received < warning_day(due, window, holidays) <= today
    ]


def _due_now(row: CaseDates, today: date, school: SchoolConfig) -> tuple[str, dict[str, str]]:
    """What is due for an open case on ``today``: ("overdue", {"overdue": today}) or
    ("warning", {window: due date}) for the warnings whose day has come; each key is a
    ledger entry."""
    due = _due(row)
    if due < today:
        return "overdue", {"overdue": today.isoformat()}
    received = from_db(row.received_at).astimezone(school.tz).date()
    windows = warnings_due(due, today, received, school.holiday_periods)
    return "warning", dict.fromkeys(windows, due.isoformat())


def _run_name(row: CaseDates, which: str) -> str:
    return f"reminder:{row.id}:{which}"


async def due_on(
    conn: Connection, school_id: int, school: SchoolConfig, day: date
) -> tuple[bool, bool]:
    """Whether, at reminder time on ``day``, a reminder and the director's overdue summary
    would go out for the cases open now (nothing is claimed): the demo's "next event"."""
    if not is_school_day(day, school.holiday_periods):
        return False, False
    reminder = overdue = False
    for row in await reports.open_cases(conn, school_id):
        kind, keys = _due_now(row, day, school)
        overdue = overdue or kind == "overdue"
        for which, period in keys.items():
            if not await job_runs.has_run(conn, school_id, _run_name(row, which), period):
                reminder = True
    summary = overdue and not await job_runs.has_run(conn, school_id, SUMMARY, day.isoformat())
    return reminder, summary


async def _about(conn: Connection, row: CaseDates) -> str:
    student = await people.student(conn, row.student_id)
    return request_about(
        _number(row),
        row.kind,
        student.first_name if student else None,
        student.group_name if student else None,
    )


async def _render(
    conn: Connection,
    row: CaseDates,
    kind: str,
    today: date,
    holidays: Sequence[tuple[date, date]] = (),
) -> str:
    due = _due(row)
    last_school_day = school_day_on_or_before(due - timedelta(days=1), holidays) <= today
    return reminder_text(
        await _about(conn, row),
        _number(row),
        due,
        today,
        overdue=kind == "overdue",
        last_school_day=last_school_day,
    )


async def _assignee_chats(conn: Connection, row: CaseDates) -> list[Recipient]:
    """The stored assignee's chat; the directors' when the assignee cannot be reached."""
    if row.assignee_staff_id is not None:
        found = await accounts.recipients(conn, staff_ids=[row.assignee_staff_id])
        if found:
            return found
    return await accounts.recipients(conn, staff_ids=await staff.directors(conn, row.school_id))


async def send_due(
    db: Database, cipher: Cipher, clock: Clock, schools: dict[int, SchoolConfig]
) -> int:
    """Queue every reminder due now; returns how many messages were queued."""
    now = clock.now()
    queued = 0
    for school_id, school in sorted(schools.items()):
        local = now.astimezone(school.tz)
        today = local.date()
        if (
            not is_school_day(today, school.holiday_periods)
            or local.time() < school.schedule.reminder_time
        ):
            continue
        holidays = school.holiday_periods
        async with db.transaction() as conn:
            overdue: list[CaseDates] = []
            for row in await reports.open_cases(conn, school_id):
                kind, keys = _due_now(row, today, school)
                if kind == "overdue":
                    overdue.append(row)
                claimed = 0
                for which, period in keys.items():
                    name = _run_name(row, which)
                    claimed += await job_runs.claim(conn, school_id, name, period, to_db(now))
                if not claimed:
                    continue
                for recipient in await _assignee_chats(conn, row):
                    queued += await _queue(
                        conn, cipher, now, recipient, row, kind, today, holidays
                    )
            if overdue and await job_runs.claim(
                conn, school_id, SUMMARY, today.isoformat(), to_db(now)
            ):
                queued += await _tell_directors(conn, cipher, now, school_id, overdue, today)
    return queued


async def _queue(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    recipient: Recipient,
    row: CaseDates,
    kind: str,
    today: date,
    holidays: Sequence[tuple[date, date]],
) -> int:
    with use_language(language_or_default(recipient.language)):
        text = await _render(conn, row, kind, today, holidays)
        button = open_case_button(row.id, _number(row))
    await outbox.enqueue(
        conn,
        cipher,
        now,
        chat_id=recipient.chat_id,
        text=text,
        school_id=row.school_id,
        case_id=row.id,
        button=button,
        staff_id=recipient.staff_id,
    )
    return 1


async def _tell_directors(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    school_id: int,
    overdue: list[CaseDates],
    today: date,
) -> int:
    queued = 0
    for recipient in await accounts.recipients(
        conn, staff_ids=await staff.directors(conn, school_id)
    ):
        with use_language(language_or_default(recipient.language)):
            items = []
            for row in overdue:
                member = (
                    await staff.get(conn, row.assignee_staff_id)
                    if row.assignee_staff_id is not None
                    else None
                )
                items.append((await _about(conn, row), _due(row), member.name if member else None))
            text = overdue_summary(items)
        await outbox.enqueue(
            conn,
            cipher,
            now,
            chat_id=recipient.chat_id,
            text=text,
            school_id=school_id,
            staff_id=recipient.staff_id,
        )
        queued += 1
    return queued
