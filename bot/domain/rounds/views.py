"""What staff see of a round: its progress, per group and purpose what holds now, who needs
paper; the privacy officer the same in numbers per school; a teacher the response of
their group; the digest one line per open round.

Per child and purpose: yes when at least one current guardian gave consent and none
refused it; no when one refused; not answered when no current guardian answered, and on
paper when moreover none of the child's guardians can be reached in the bot (they are not
linked, or blocked the bot). A child answered the round when one of its guardians did.
Everything is counted in the database, so the screen stays quick at 10,000 children.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.domain.rounds import questions
from bot.domain.rounds.access import members_of, record_refusal, round_schools, sees_names
from bot.domain.rounds.audience import Reach
from bot.domain.rounds.model import Refusal, Round, RoundRefused
from bot.domain.rounds.round_csv import csv_filename, round_csv
from bot.domain.staff_base import StaffActor
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_order
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import rounds as rows
from storage.db import Connection, Database
from storage.rounds import GroupCounts, Progress


@dataclass(slots=True)
class PurposeCounts:
    yes: int = 0
    no: int = 0
    not_answered: int = 0
    on_paper: int = 0


@dataclass(slots=True)
class GroupRow:
    group: str
    """The group's name; empty for pupils without a group."""
    children: int = 0
    answered: int = 0
    """Children for whom at least one guardian answered in the round."""
    purposes: dict[str, PurposeCounts] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PaperItem:
    """A guardian the round reaches only on paper (director only: names)."""

    group: str
    child: str
    guardian: str
    why: Reach
    answered: bool


PAPER_SHOWN = 50
"""Who needs paper, on the round's screen (the CSV lists everyone)."""


@dataclass(frozen=True, slots=True)
class RoundView:
    round: Round
    school: SchoolConfig
    requests: int
    """Guardian-and-child pairs the round asks (not counting those no longer asked)."""
    questions: int
    """Questions queued in the bot."""
    sent: int
    """Of which Telegram has them: "sent 1,240 of 2,084"."""
    answered: int
    answered_on_paper: int
    on_paper: int
    """Pairs not reachable in the bot and not answered."""
    not_linked: int
    blocked: int
    stopped: int
    joined_late: int
    reminders: int
    groups: list[GroupRow]
    totals: GroupRow
    removed_purposes: tuple[str, ...]
    """Purposes of the round the school removed from its config (their answers stay)."""
    paper: list[PaperItem] | None
    """Who needs paper, by group and child, the first ``PAPER_SHOWN``; None for the
    privacy officer (numbers only)."""


def build_view(
    round: Round,
    school: SchoolConfig,
    progress: Progress,
    counts: Sequence[GroupCounts],
    paper: list[PaperItem] | None,
) -> RoundView:
    """The view from the round's numbers (pure, for tests)."""
    purposes = round.purposes
    totals = GroupRow("", purposes={p: PurposeCounts() for p in purposes})
    groups = []
    for found in counts:
        row = GroupRow(
            found.group_name or "",
            found.children,
            found.answered,
            {p: PurposeCounts(*c) for p, c in zip(purposes, found.purposes, strict=True)},
        )
        groups.append(row)
        totals.children += row.children
        totals.answered += row.answered
        for key, counts_of in row.purposes.items():
            total = totals.purposes[key]
            total.yes += counts_of.yes
            total.no += counts_of.no
            total.not_answered += counts_of.not_answered
            total.on_paper += counts_of.on_paper
    return RoundView(
        round=round,
        school=school,
        requests=progress.requests,
        questions=progress.asked,
        sent=progress.sent,
        answered=progress.answered,
        answered_on_paper=progress.answered_on_paper,
        on_paper=progress.paper_open,
        not_linked=progress.not_linked,
        blocked=progress.blocked,
        stopped=progress.stopped,
        joined_late=progress.joined_late,
        reminders=progress.reminders,
        groups=sorted(groups, key=lambda g: group_order(g.group)),
        totals=totals,
        removed_purposes=tuple(p for p in purposes if school.consent_purpose(p) is None),
        paper=paper,
    )


async def view_in(
    conn: Connection, cipher: Cipher, school: SchoolConfig, round_id: int, *, names: bool
) -> RoundView:
    found = await rows.get(conn, round_id)
    assert found is not None
    round = questions.round_of(found, cipher)
    progress, counts = await rows.counts(conn, round_id, round.school_id, round.purposes)
    paper = None
    if names:
        paper = [
            PaperItem(
                r.group_name or "",
                f"{r.first_name} {r.last_name}",
                r.guardian_name,
                Reach.BLOCKED if r.blocked else Reach.NOT_LINKED,
                r.answered,
            )
            for r in await rows.paper(conn, round_id, PAPER_SHOWN)
        ]
    return build_view(round, school, progress, counts, paper)


@dataclass(frozen=True, slots=True)
class RoundLine:
    """A round in the list of a school's rounds."""

    round: Round
    requests: int
    answered: int


@dataclass(frozen=True, slots=True)
class SchoolRounds:
    """For the privacy officer: a school's rounds in numbers."""

    school_id: int
    school: SchoolConfig
    views: list[RoundView]


class RoundViews:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        cipher: Cipher,
        clock: Clock,
        schools: dict[int, SchoolConfig],
    ) -> None:
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._schools = schools

    async def _round_for(self, who: StaffActor, round_id: int, action: str) -> tuple[Round, bool]:
        """The round and whether this person sees names; RoundRefused (recorded) when the
        round is not of a school of theirs."""
        conn = self._db.reader
        members = await members_of(conn, who.telegram_user_id)
        found = await rows.get(conn, round_id)
        if found is None or found.school_id not in round_schools(members, self._schools):
            await record_refusal(
                self._db,
                self._keys,
                self._clock,
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                school_id=found.school_id if found is not None else None,
                subject=f"round:{round_id}",
                details={"action": action, "reason": Refusal.NOT_YOURS.value},
            )
            raise RoundRefused(Refusal.NOT_YOURS)
        return questions.round_of(found, self._cipher), sees_names(members, found.school_id)

    async def rounds(self, who: StaffActor) -> list[RoundLine]:
        """Every round of the schools this person runs rounds for, open ones first, then
        the newest."""
        conn = self._db.reader
        members = await members_of(conn, who.telegram_user_id)
        lines = []
        for school_id in sorted(round_schools(members, self._schools)):
            for found in await rows.for_school(conn, school_id):
                progress = await rows.progress(conn, found.id)
                lines.append(
                    RoundLine(
                        questions.round_of(found, self._cipher),
                        progress.requests,
                        progress.answered,
                    )
                )
        return sorted(
            lines, key=lambda line: (not line.round.is_open, -line.round.started_at.timestamp())
        )

    async def view(self, who: StaffActor, round_id: int) -> RoundView:
        """The round's screen: progress, per group and purpose, who needs paper (names for
        the director only)."""
        round, names = await self._round_for(who, round_id, "view")
        return await view_in(
            self._db.reader, self._cipher, self._schools[round.school_id], round_id, names=names
        )

    async def for_officer(self, who: StaffActor) -> list[SchoolRounds]:
        """Per school this person runs rounds for, each round in numbers (no names)."""
        conn = self._db.reader
        members = await members_of(conn, who.telegram_user_id)
        found = []
        for school_id in sorted(round_schools(members, self._schools)):
            school = self._schools[school_id]
            views = [
                await view_in(conn, self._cipher, school, r.id, names=False)
                for r in await rows.for_school(conn, school_id)
            ]
            found.append(SchoolRounds(school_id, school, views))
        return found

    async def export(self, who: StaffActor, round_id: int) -> tuple[str, bytes]:
        """The round's table as a CSV file (file name, content), for the director only:
        it names children and guardians. Sending it out of the bot is recorded."""
        round, names = await self._round_for(who, round_id, "export")
        if not names:
            await record_refusal(
                self._db,
                self._keys,
                self._clock,
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                school_id=round.school_id,
                subject=f"round:{round_id}",
                details={"action": "export", "reason": Refusal.NOT_YOURS.value},
            )
            raise RoundRefused(Refusal.NOT_YOURS, round=round)
        school = self._schools[round.school_id]
        data, lines = await round_csv(self._db.reader, round, school)
        await self._record_export(who, round, lines)
        today = self._clock.now().astimezone(school.tz).date()
        return csv_filename(round, today), data

    async def _record_export(self, who: StaffActor, round: Round, rows_written: int) -> None:
        round_id = round.id
        async with self._db.transaction() as conn:
            await audit.record(
                conn,
                self._keys.audit,
                self._clock.now(),
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                action=AuditAction.ROUND_EXPORTED,
                school_id=round.school_id,
                subject=f"round:{round_id}",
                details={"rows": rows_written},
            )
