"""The privacy officer's weekly report: per school and per kind of request, numbers only.

No names, no children, no case numbers and no free text: the privacy officer oversees the
foundation's schools without seeing any family's business.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from bot import outbox
from bot.clock import Clock
from bot.domain.model import DECIDED, Status
from bot.domain.texts.labels import kind_label
from bot.i18n import _, format_date
from bot.jobs.schedule import due_period, week_start
from bot.markup import esc
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from storage import accounts, job_runs, reports
from storage.db import Connection, Database, from_db, to_db

KINDS = ("access", "rectification", "erasure", "restriction", "objection", "consent")


@dataclass
class KindCounts:
    received: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    extended: int = 0
    refused: int = 0

    def any(self) -> bool:
        return any(vars(self).values())


@dataclass
class SchoolCounts:
    name: str
    kinds: dict[str, KindCounts] = field(default_factory=dict)
    undeliverable: int = 0


async def count_school(
    conn: Connection, school_id: int, school: SchoolConfig, start: datetime, end: datetime
) -> SchoolCounts:
    """What happened at one school in [start, end), and what is open at ``end``."""
    tz = school.tz
    today = end.astimezone(tz).date()
    counts = SchoolCounts(school.name)
    first, last = to_db(start), to_db(end)

    def kind(key: str) -> KindCounts:
        return counts.kinds.setdefault(key, KindCounts())

    for ref in await reports.received_between(conn, school_id, first, last):
        kind(ref.kind).received += 1
    for key, (still_open, overdue) in (
        await reports.open_at(conn, school_id, last, today.isoformat())
    ).items():
        kind(key).open += still_open
        kind(key).overdue += overdue
    for closed in await reports.closed_between(conn, school_id, first, last):
        if closed.status == Status.REJECTED:
            kind(closed.kind).refused += 1
        if closed.status in DECIDED:
            closed_on = from_db(closed.closed_at).astimezone(tz).date()
            if closed_on <= date.fromisoformat(closed.due):
                kind(closed.kind).on_time += 1
            else:
                kind(closed.kind).late += 1
    # A case extended twice (one month, later another) is one extended case.
    for _case_id, key in set(
        await reports.events_between(conn, school_id, "extended", first, last)
    ):
        kind(key).extended += 1
    counts.undeliverable = len(await reports.undeliverable_between(conn, school_id, first, last))
    return counts


def render(counts: list[SchoolCounts], first_day: date, last_day: date) -> str:
    """The report in the current language, short enough for a phone."""
    lines = [
        "<b>"
        + _("Privacy report, {start} – {end}").format(
            start=esc(format_date(first_day, "medium")), end=esc(format_date(last_day, "medium"))
        )
        + "</b>",
        _("Requests from parents at every school of the foundation, as numbers only."),
    ]
    weeks = ((last_day - first_day).days + 1) // 7
    if weeks > 1:
        lines.append(
            _("No report was sent for the weeks before, so this one covers {weeks} weeks.").format(
                weeks=weeks
            )
        )
    for school in counts:
        lines += ["", f"<b>{esc(school.name)}</b>"]
        shown = [k for k in KINDS if k in school.kinds and school.kinds[k].any()]
        if not shown:
            lines.append(_("No requests."))
        for key in shown:
            k = school.kinds[key]
            lines.append(
                _(
                    "{kind}: {received} received, {on_time} closed on time, {late} closed "
                    "late, {open} open (of which {overdue} past the answer date), {extended} "
                    "extended, {refused} refused"
                ).format(
                    kind=esc(kind_label(key)),
                    received=k.received,
                    on_time=k.on_time,
                    late=k.late,
                    open=k.open,
                    overdue=k.overdue,
                    extended=k.extended,
                    refused=k.refused,
                )
            )
        if school.undeliverable:
            lines.append(
                _("Messages that could not be delivered: {count}").format(
                    count=school.undeliverable
                )
            )
    return "\n".join(lines)


def covered(period: str, previous: str | None) -> tuple[date, date]:
    """The first and the day after the last day a report for ``period`` covers: the week
    before its Monday, or, when weeks went by without a report (the bot was down on their
    Mondays), everything since the end of the ``previous`` report."""
    end = week_start(period)
    start = end - timedelta(days=7)
    if previous is not None:
        start = min(start, week_start(previous))
    return start, end


async def send_due(
    db: Database, cipher: Cipher, clock: Clock, schools: dict[int, SchoolConfig]
) -> int:
    """Queue the weekly report for every privacy officer whose report is due; returns how
    many were queued. Each officer gets it once a week, on Monday at ``report_time``; a
    Monday missed while the bot was down is made up at the next wake-up."""
    now = clock.now()
    queued = 0
    for staff_id, school_id in await reports.privacy_officers(db.reader):
        school = schools.get(school_id)
        if school is None:
            continue
        name = f"report:{staff_id}"
        previous = await job_runs.last_period(db.reader, school_id, name)
        period = due_period(
            now, school.tz, school.schedule.report_time, _cadence(school), first=previous is None
        )
        if period is None:
            continue
        first_day, end_day = covered(period, previous)
        start = datetime.combine(first_day, time(0), tzinfo=school.tz)
        end = datetime.combine(end_day, time(0), tzinfo=school.tz)
        async with db.transaction() as conn:
            if not await job_runs.claim(conn, school_id, name, period, to_db(now)):
                continue
            counts = [
                await count_school(conn, sid, config, start, end)
                for sid, config in sorted(schools.items())
            ]
            queued += await outbox.enqueue_each(
                conn,
                cipher,
                now,
                await accounts.recipients(conn, staff_ids=[staff_id]),
                functools.partial(render, counts, first_day, end_day - timedelta(days=1)),
                school_id=school_id,
            )
    return queued


def _cadence(school: SchoolConfig) -> Literal["weekly", "off"]:
    return school.schedule.report
