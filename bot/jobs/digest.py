"""The director's digest: what came in, what is open, what is due or overdue, and what the
school should follow up another way (undeliverable messages, blocked or expiring codes).

Numbers first, cases by number, short enough to read on a phone. Sent on the school's
schedule (school days at 07:30 by default, or weekly on Monday) and on demand (/digest);
each covers the time since the previous scheduled one, the first since the school's set-up.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from bot import outbox
from bot.clock import Clock
from bot.domain.model import Status
from bot.domain.onboarding import MAX_BIRTH_DATE_FAILURES
from bot.domain.rounds.responses import open_round_lines
from bot.domain.texts.for_staff_rounds import digest_lines
from bot.domain.texts.labels import kind_label, when
from bot.i18n import _, format_date, language_or_default, ngettext, use_language
from bot.jobs.report import KINDS
from bot.jobs.schedule import due_period
from bot.markup import esc
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from storage import accounts, audit_events, cases, job_runs, reports, staff
from storage.db import Connection, Database, from_db, to_db

SOON = timedelta(days=7)
LIST_AT_MOST = 10


def _names(names: list[str]) -> str:
    shown = ", ".join(esc(n) for n in names[:LIST_AT_MOST])
    if len(names) > LIST_AT_MOST:
        shown += " " + _("and {count} more").format(count=len(names) - LIST_AT_MOST)
    return shown


async def build(
    conn: Connection, school_id: int, school: SchoolConfig, start: datetime, end: datetime
) -> str:
    """The digest of [start, end) for one school, in the current language."""
    today = end.astimezone(school.tz).date()
    first, last = to_db(start), to_db(end)
    new = await reports.received_between(conn, school_id, first, last)
    groups = await reports.open_groups(conn, school_id, today.isoformat())
    overdue = await reports.open_due_between(
        conn, school_id, date.min.isoformat(), (today - timedelta(days=1)).isoformat()
    )
    soon = await reports.open_due_between(
        conn, school_id, today.isoformat(), (today + SOON).isoformat()
    )
    closed = await reports.closed_between(conn, school_id, first, last)
    refused = [c for c in closed if c.status == Status.REJECTED]
    extended = await reports.events_between(conn, school_id, "extended", first, last)

    lines = [
        "<b>"
        + _("Privacy digest {school}, {date}").format(
            school=esc(school.name), date=esc(format_date(today, "full"))
        )
        + "</b>",
        _("Since {when}.").format(when=when(start, school)),
        "",
        _("New requests: {count}").format(count=len(new)),
    ]
    new_by_kind = Counter(r.kind for r in new)
    for kind in sorted(new_by_kind, key=KINDS.index):
        n = new_by_kind[kind]
        numbers = ", ".join(r.number for r in new if r.kind == kind)
        lines.append(f"• {esc(kind_label(kind))}: {n} ({numbers})")
    by_status: Counter[str] = Counter()
    by_assignee: Counter[int | None] = Counter()
    for group in groups:
        by_status[group.status] += group.count
        by_assignee[group.assignee_staff_id] += group.count
    lines.append(
        _("Open: {count} ({waiting} not picked up yet, {busy} being handled)").format(
            count=by_status.total(),
            waiting=by_status["submitted"],
            busy=by_status["in_progress"],
        )
    )
    for staff_id, n in sorted(by_assignee.items(), key=lambda item: (-item[1], item[0] or 0)):
        member = await staff.get(conn, staff_id) if staff_id is not None else None
        who = esc(member.name) if member else _("nobody yet")
        lines.append(f"• {who}: {n}")
    lines.append(_("Overdue: {count}").format(count=len(overdue)))
    for r in overdue:
        late = (today - date.fromisoformat(r.due)).days
        lines.append(
            "• "
            + ngettext(
                "{number} ({kind}), {days} day overdue",
                "{number} ({kind}), {days} days overdue",
                late,
            ).format(number=r.number, kind=esc(kind_label(r.kind)), days=late)
        )
    lines.append(_("Due within 7 days: {count}").format(count=len(soon)))
    for r in soon:
        lines.append(
            "• "
            + _("{number} ({kind}), due {date}").format(
                number=r.number,
                kind=esc(kind_label(r.kind)),
                date=esc(format_date(date.fromisoformat(r.due), "medium")),
            )
        )
    lines.append(
        _("Extended: {extended}. Refused: {refused}.").format(
            extended=len(set(extended)), refused=len(refused)
        )
    )
    withdrawals = await reports.consent_withdrawals_between(conn, school_id, first, last)
    refusals = await reports.consent_refusals_between(conn, school_id, first, last)
    consent_tasks = sum(g.count for g in groups if g.kind == "consent")
    lines.append(
        _(
            "Photo consent withdrawn: {withdrawn}; refused as a first answer: {refused}. Open "
            "photo consent tasks: {tasks}."
        ).format(withdrawn=withdrawals, refused=refusals, tasks=consent_tasks)
    )

    rounds = digest_lines(await open_round_lines(conn, school_id), school)
    if rounds:
        lines += ["", *rounds]

    follow_up = await _follow_up(conn, school_id, start, end)
    if follow_up:
        lines += ["", "<b>" + _("Please follow up another way") + "</b>", *follow_up]
    return "\n".join(lines)


async def _follow_up(
    conn: Connection, school_id: int, start: datetime, end: datetime
) -> list[str]:
    lines: list[str] = []
    for chat_id, case_id in await reports.undeliverable_between(
        conn, school_id, to_db(start), to_db(end)
    ):
        names = await reports.people_of_chat(conn, chat_id)
        who = _names(names) if names else _("someone who no longer uses the bot")
        number = ""
        if case_id is not None:
            row = await _case_number(conn, case_id)
            number = " " + _("(request {number})").format(number=row) if row else ""
        lines.append("• " + _("Message not delivered to {who}").format(who=who) + number)
    blocked = await reports.blocked_codes_between(
        conn, school_id, to_db(start), to_db(end), MAX_BIRTH_DATE_FAILURES
    )
    if blocked:
        lines.append(
            "• "
            + _("Code blocked after wrong dates of birth: {names}").format(names=_names(blocked))
        )
    expiring = await reports.codes_expiring(conn, school_id, to_db(end), to_db(end + SOON))
    if expiring:
        lines.append(
            "• " + _("Unused code expires within 7 days: {names}").format(names=_names(expiring))
        )
    return lines


async def _case_number(conn: Connection, case_id: int) -> str | None:
    row = await cases.get(conn, case_id)
    return f"{row.year}-{row.seq:04d}" if row else None


async def _since(conn: Connection, school_id: int, now: datetime) -> datetime:
    """Where the next digest starts: at the previous scheduled one, or for the school's first
    digest at its set-up (its first event in the bot), so nothing before it is left out."""
    last = await job_runs.last_run(conn, school_id, "digest")
    if last is not None:
        return from_db(last)
    first = await audit_events.first_at(conn, school_id)
    return min(from_db(first), now) if first is not None else now


async def send_due(
    db: Database, cipher: Cipher, clock: Clock, schools: dict[int, SchoolConfig]
) -> int:
    """Queue the digest for the directors of every school whose digest is due and was not
    sent for this period; returns how many messages were queued."""
    now = clock.now()
    queued = 0
    for school_id, school in sorted(schools.items()):
        schedule = school.schedule
        ran_before = await job_runs.last_run(db.reader, school_id, "digest") is not None
        period = due_period(
            now,
            school.tz,
            schedule.digest_time,
            schedule.digest,
            school.holiday_periods,
            first=not ran_before,
        )
        if period is None:
            continue
        async with db.transaction() as conn:
            start = await _since(conn, school_id, now)
            if not await job_runs.claim(conn, school_id, "digest", period, to_db(now)):
                continue
            directors = await staff.directors(conn, school_id)
            for recipient in await accounts.recipients(conn, staff_ids=directors):
                with use_language(language_or_default(recipient.language)):
                    text = await build(conn, school_id, school, start, now)
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


async def on_demand(db: Database, clock: Clock, school_id: int, school: SchoolConfig) -> str:
    """The digest since the last scheduled one, for /digest (nothing is recorded)."""
    now = clock.now()
    conn = db.reader
    return await build(conn, school_id, school, await _since(conn, school_id, now), now)
