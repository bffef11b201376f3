"""Reminders before a legal deadline and while it is overdue.

The staff member handling a case is reminded 7 and 2 days before its due date (the extended
date where there is one) and on every school day while it is overdue; the director gets one
message a school day listing every overdue case. Each reminder is written to the ``job_runs``
ledger with its outbox message, keyed by case, kind and due date (or day, when overdue), so
a restart, a missed run or two runs at once neither lose nor repeat one.
"""

from __future__ import annotations

from datetime import date, datetime

from bot import outbox
from bot.clock import Clock
from bot.domain.case_texts import kind_label
from bot.domain.deadlines import is_school_day
from bot.domain.notifications import open_case_button
from bot.i18n import _, format_date, language_or_default, ngettext, use_language
from bot.markup import esc
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from storage import accounts, job_runs, people, reports, staff
from storage.accounts import Recipient
from storage.db import Connection, Database, from_db, to_db
from storage.reports import CaseDates

WINDOWS = (2, 7)  # days before the due date
SUMMARY = "overdue-summary"  # the director's daily list, in the job_runs ledger


def _number(row: CaseDates) -> str:
    return f"{row.year}-{row.seq:04d}"


def reminder_kind(row: CaseDates, today: date, tz_received: date) -> tuple[str, str] | None:
    """(kind, period) of the reminder this case gets today, if any. A window that had
    already begun when the case came in is skipped: nobody is reminded of what is new."""
    due = date.fromisoformat(row.extended_due_on or row.due_on)
    left = (due - today).days
    if left < 0:
        return "overdue", today.isoformat()
    for window in WINDOWS:
        if left <= window:
            if (due - tz_received).days <= window:
                return None
            return f"{window}d", due.isoformat()
    return None


def _run_name(row: CaseDates, kind: str) -> str:
    return f"reminder:{row.id}:{kind}"


async def due_on(
    conn: Connection, school_id: int, school: SchoolConfig, day: date
) -> tuple[bool, bool]:
    """Whether, at reminder time on ``day``, a reminder and the director's overdue summary
    would go out for the cases open now (nothing is claimed): the demo's "next event"."""
    if not is_school_day(day, school.holiday_periods):
        return False, False
    reminder = overdue = False
    for row in await reports.open_cases(conn, school_id):
        received = from_db(row.received_at).astimezone(school.tz).date()
        found = reminder_kind(row, day, received)
        if found is None:
            continue
        kind, period = found
        overdue = overdue or kind == "overdue"
        if not await job_runs.has_run(conn, school_id, _run_name(row, kind), period):
            reminder = True
    summary = overdue and not await job_runs.has_run(conn, school_id, SUMMARY, day.isoformat())
    return reminder, summary


async def _about(conn: Connection, row: CaseDates) -> str:
    student = await people.student(conn, row.student_id)
    child = esc(student.first_name) if student and student.first_name else "–"
    group = (
        ", " + _("group {name}").format(name=esc(student.group_name))
        if student and student.group_name
        else ""
    )
    return _("request {number} ({kind}, {child}{group})").format(
        number=_number(row), kind=esc(kind_label(row.kind)), child=child, group=group
    )


async def _render(conn: Connection, row: CaseDates, kind: str, today: date) -> str:
    due = date.fromisoformat(row.extended_due_on or row.due_on)
    about = await _about(conn, row)
    if kind == "overdue":
        late = (today - due).days
        head = ngettext(
            "Overdue: {about} was due on {date}, {days} day ago.",
            "Overdue: {about} was due on {date}, {days} days ago.",
            late,
        ).format(about=about, date=esc(format_date(due, "full")), days=late)
    elif due == today:
        head = _("Reminder: {about} is due today, {date}.").format(
            about=about, date=esc(format_date(due, "full"))
        )
    else:
        left = (due - today).days
        head = ngettext(
            "Reminder: {about} is due on {date}: {days} day left.",
            "Reminder: {about} is due on {date}: {days} days left.",
            left,
        ).format(about=about, date=esc(format_date(due, "full")), days=left)
    return head + "\n" + _("Open it with /case {number}.").format(number=_number(row))


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
        async with db.transaction() as conn:
            overdue: list[CaseDates] = []
            for row in await reports.open_cases(conn, school_id):
                received = from_db(row.received_at).astimezone(school.tz).date()
                found = reminder_kind(row, today, received)
                if found is None:
                    continue
                kind, period = found
                if kind == "overdue":
                    overdue.append(row)
                name = _run_name(row, kind)
                if not await job_runs.claim(conn, school_id, name, period, to_db(now)):
                    continue
                for recipient in await _assignee_chats(conn, row):
                    queued += await _queue(conn, cipher, now, recipient, row, kind, today)
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
) -> int:
    with use_language(language_or_default(recipient.language)):
        text = await _render(conn, row, kind, today)
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
            lines = [
                "<b>"
                + ngettext(
                    "{count} request is overdue",
                    "{count} requests are overdue",
                    len(overdue),
                ).format(count=len(overdue))
                + "</b>"
            ]
            for row in overdue:
                member = (
                    await staff.get(conn, row.assignee_staff_id)
                    if row.assignee_staff_id is not None
                    else None
                )
                who = esc(member.name) if member else _("nobody yet")
                lines.append(
                    "• "
                    + _("{about}, due {date}, with {who}").format(
                        about=await _about(conn, row),
                        date=esc(
                            format_date(
                                date.fromisoformat(row.extended_due_on or row.due_on), "medium"
                            )
                        ),
                        who=who,
                    )
                )
        await outbox.enqueue(
            conn,
            cipher,
            now,
            chat_id=recipient.chat_id,
            text="\n".join(lines),
            school_id=school_id,
            staff_id=recipient.staff_id,
        )
        queued += 1
    return queued
