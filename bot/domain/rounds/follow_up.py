"""What happens to an open round after Start, run every minute by ``bot.jobs.rounds``.

- A guardian no longer listed for a child (or a pupil who left) is no longer asked: the
  request stops, and what was still waiting for them in the outbox is withdrawn.
- A pupil or a guardian the roster added while the round is open joins it, once.
- A guardian the round could not reach who links their account is asked, once.
- A guardian who has not answered is reminded at most twice, the configured number of
  days after they were asked (5 and 10 by default).

Questions to those who join later and reminders go out only on school days between 08:00
and 20:00 school time, and never once the round has closed. Everything is read from the
database and written with the messages it queues (each under its own key), in one unit of
work per round, so a restart neither loses nor repeats any of it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.domain.deadlines import is_school_day
from bot.domain.rounds import audience, questions
from bot.domain.rounds.audience import Reach
from bot.domain.rounds.model import SEND_FROM, SEND_UNTIL, Audience, Round
from bot.outbox import Bell
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from storage import outbox, people
from storage import rounds as rows
from storage.db import Connection, Database, from_db, to_db
from storage.rounds import RequestRow


def in_window(moment: datetime, school: SchoolConfig) -> bool:
    """Whether a round may write to guardians now: a school day, 08:00 to 20:00 local."""
    local = moment.astimezone(school.tz)
    return (
        is_school_day(local.date(), school.holiday_periods)
        and SEND_FROM <= local.time() < SEND_UNTIL
    )


def reminder_due(
    request: RequestRow, today: date, days: list[int], school: SchoolConfig
) -> int | None:
    """The number (1, 2) of the reminder due for a request today, or None. Reminder n is
    due ``days[n-1]`` days after the guardian was asked (or on the first school day after
    that), never on the day of the one before it."""
    number = request.reminders + 1
    if request.asked_at is None or number > len(days):
        return None
    asked = from_db(request.asked_at).astimezone(school.tz).date()
    if today < asked + timedelta(days=days[number - 1]):
        return None
    if request.reminded_at is not None:
        reminded = from_db(request.reminded_at).astimezone(school.tz).date()
        if today <= reminded:
            return None
    return number


class RoundFollowUp:
    def __init__(
        self,
        db: Database,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
        bell: Bell,
    ) -> None:
        self._db, self._cipher, self._clock = db, cipher, clock
        self._schools = schools
        self._bell = bell

    async def run(self) -> int:
        """Follow up every open round; returns how many messages were queued."""
        now = self._clock.now()
        queued = 0
        for found in await rows.open_rounds(self._db.reader):
            round = questions.round_of(found, self._cipher)
            if now >= round.closes_at or round.school_id not in self._schools:
                continue  # closing is bot.domain.rounds.closing's
            async with self._db.transaction() as conn:
                queued += await self._round(conn, round, now)
        if queued:
            self._bell.ring()
        return queued

    async def _round(self, conn: Connection, round: Round, now: datetime) -> int:
        school = self._schools[round.school_id]
        await self._stop_off_roster(conn, round, now)
        await self._join(conn, round, now)
        if not in_window(now, school):
            return 0
        today = now.astimezone(school.tz).date()
        contacts = await audience.contacts(conn, round.school_id)
        students = {
            s.id: s for s in (await people.students_by_external_id(conn, round.school_id)).values()
        }
        queued = 0
        asked: list[tuple[int, str]] = []
        blocked: list[int] = []
        for request in await rows.to_ask(conn, round.id):
            contact = audience.reach_of(contacts, request.guardian_id)
            if contact.reach == Reach.BLOCKED:
                blocked.append(request.id)
                continue
            if contact.reach != Reach.BOT:
                continue
            question = await questions.load(
                conn, request, round, school, students[request.student_id], today
            )
            asked.append(
                (
                    request.id,
                    await questions.queue_question(conn, self._cipher, now, question, contact),
                )
            )
        await rows.mark_asked(conn, asked, to_db(now))
        queued += len(asked)
        days = school.rounds.reminder_days
        for request in await rows.to_remind(conn, round.id, len(days)):
            number = reminder_due(request, today, days, school)
            if number is None:
                continue
            contact = audience.reach_of(contacts, request.guardian_id)
            if contact.reach == Reach.BLOCKED:
                blocked.append(request.id)
                continue
            if contact.reach != Reach.BOT or not await rows.mark_reminded(
                conn, request.id, number, to_db(now)
            ):
                continue
            question = await questions.load(
                conn, request, round, school, students[request.student_id], today
            )
            await questions.queue_reminder(conn, self._cipher, now, question, contact, number)
            queued += 1
        await rows.mark_blocked(conn, blocked, to_db(now))
        return queued

    async def _stop_off_roster(self, conn: Connection, round: Round, now: datetime) -> None:
        gone = await rows.off_roster(conn, round.id)
        if not gone:
            return
        await rows.mark_stopped(conn, [r.id for r in gone], to_db(now))
        await outbox.drop_pending_keyed(
            conn, [key for r in gone for key in questions.keys_of(round.id, r.id)]
        )

    async def _join(self, conn: Connection, round: Round, now: datetime) -> None:
        new = await rows.new_pairs(conn, round.id, round.school_id)
        if new and round.audience == Audience.UNANSWERED:
            answered = await audience.answered_all(conn, round.school_id, round.purposes)
            new = [pair for pair in new if pair not in answered]
        if new:
            await rows.add_requests(conn, round.id, new, to_db(now), joined_late=True)
