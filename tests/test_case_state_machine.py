"""Any order of case actions by any actor keeps the case rules: a closed case never
changes, extensions add at most two months in total counted from the day of receipt (in one
step or two, each before the answer date in force), the due date never moves earlier, and
every transition leaves exactly one case event and one audit event (a refusal: only the
audit event)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from bot.domain.deadlines import add_months
from bot.domain.model import Actor, Kind, Refused, Status
from bot.domain.staff_base import StaffActor
from bot.domain.transitions import OUTCOMES
from bot.schools.roster import import_roster, parse_roster
from bot.services import Services
from storage.db import fetch_all, from_db
from tests.domain_helpers import link_guardian, link_staff, student_id
from tests.support import ROSTER_CSV, FakeClock, make_settings

T = TypeVar("T")
STAFF = {"teacher": 7001, "other teacher": 7002, "director": 7003, "privacy officer": 7004}
PARENT = 5001
CLOSED = (Status.RESOLVED, Status.REJECTED, Status.WITHDRAWN)
# Mostly people who may act, so that actions also succeed; the others are refused.
ACTORS = st.sampled_from(["teacher", "director", "teacher", "director", *sorted(STAFF)])
MAY_EXTEND = ("teacher", "director")  # of Zoë's group 3: every kind submitted here
AMS = ZoneInfo("Europe/Amsterdam")


class Dates(NamedTuple):
    status: Status
    received_on: date
    due_on: date
    extended_due_on: date | None


class CaseMachine(RuleBasedStateMachine):
    cases = Bundle("cases")
    extended = Bundle("extended")  # cases extended once, to try a second extension on

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        self.clock = FakeClock()
        self.s: Services = self.run(self._start())
        self.closed: dict[int, tuple[Any, ...]] = {}
        self.due: dict[int, date] = {}
        self.months: dict[int, int] = {}  # further months each case was extended by

    def run(self, step: Awaitable[T]) -> T:
        return self.loop.run_until_complete(step)

    async def _start(self) -> Services:
        s = await Services.start(make_settings(Path(self.folder.name)), self.clock)
        rows = parse_roster(ROSTER_CSV.read_bytes(), self.clock.now().date())
        await import_roster(s.db, s.keys, self.clock, s.school("cbs-klimop"), rows)
        await link_staff(s, self.clock, "Anna de Wit", "teacher", ["3"], STAFF["teacher"])
        await link_staff(s, self.clock, "Bram Bos", "teacher", ["7"], STAFF["other teacher"])
        await link_staff(s, self.clock, "J. de Vries", "director", [], STAFF["director"])
        await link_staff(s, self.clock, "F. Gee", "privacy_officer", [], STAFF["privacy officer"])
        self.parent: Actor = await link_guardian(s, self.clock, "Marieke de Jong", PARENT)
        self.zoe = await student_id(s.db.reader, "L1001")
        return s

    def teardown(self) -> None:
        self.run(self.s.close())
        self.loop.close()
        self.folder.cleanup()

    async def _counts(self, case_id: int) -> tuple[int, int]:
        conn = self.s.db.reader
        events = await fetch_all(
            conn, "SELECT COUNT(*) FROM case_events WHERE case_id = ?", (case_id,)
        )
        audits = await fetch_all(conn, "SELECT COUNT(*) FROM audit_events")
        return int(events[0][0]), int(audits[0][0])

    def act(self, case_id: int, step: Awaitable[object], *, by_staff: bool = True) -> None:
        """Run one action: done means one event and one audit row more; refused, none and
        (for staff) one audit row."""
        events, audits = self.run(self._counts(case_id))
        try:
            self.run(step)
        except Refused as exc:
            after = self.run(self._counts(case_id))
            audited = 1 if by_staff else 0
            assert after == (events, audits + audited), (exc.reason, after)
            return
        assert self.run(self._counts(case_id)) == (events + 1, audits + 1)

    @rule(target=cases, kind=st.sampled_from([Kind.ACCESS, Kind.RECTIFICATION, Kind.ERASURE]))
    def submit(self, kind: Kind) -> int:
        details: dict[str, Any] = {}
        if kind == Kind.RECTIFICATION:
            details = {"category": "absence"}
        elif kind == Kind.ERASURE:
            details = {"categories": ["progress"]}
        case = self.run(
            self.s.cases.submit(self.parent, student_id=self.zoe, kind=kind, details=details)
        )
        return case.id

    @rule(case_id=cases, who=ACTORS)
    def take(self, case_id: int, who: str) -> None:
        actor = StaffActor(STAFF[who])
        self.act(case_id, self.s.staff_cases.take(actor, case_id))

    async def _dates(self, case_id: int) -> Dates:
        rows = await fetch_all(
            self.s.db.reader,
            "SELECT status, received_at, due_on, extended_due_on FROM cases WHERE id = ?",
            (case_id,),
        )
        status, received, due, extended = rows[0]
        return Dates(
            Status(status),
            from_db(received).astimezone(AMS).date(),
            date.fromisoformat(due),
            date.fromisoformat(extended) if extended else None,
        )

    MONTHS = st.sampled_from([1, 2, 1, 2, 1, 0, 3])

    @rule(target=extended, case_id=cases, who=ACTORS, months=MONTHS)
    def extend(self, case_id: int, who: str, months: int) -> Any:
        return case_id if self._extend(case_id, who, months) else multiple()

    @rule(case_id=extended, who=ACTORS, months=MONTHS)
    def extend_again(self, case_id: int, who: str, months: int) -> None:
        self._extend(case_id, who, months)

    def _extend(self, case_id: int, who: str, months: int) -> bool:
        """The model: who may, while open, before the answer date in force, within the two
        further months; the new date counted from the day of receipt."""
        before = self.run(self._dates(case_id))
        used = self.months.get(case_id, 0)
        today = self.clock.now().astimezone(AMS).date()
        expected = (
            who in MAY_EXTEND
            and before.status not in CLOSED
            and today <= (before.extended_due_on or before.due_on)
            and 1 <= months <= 2 - used
        )
        actor = StaffActor(STAFF[who])
        step = self.s.staff_cases.extend(actor, case_id, months, "Complex verzoek")
        self.act(case_id, step)
        after = self.run(self._dates(case_id))
        if expected:
            new_due = add_months(before.received_on, 1 + used + months)
            assert after.extended_due_on == new_due, (before, months, after)
            self.months[case_id] = used + months
        else:
            assert after == before, (who, months, today, before, after)
        return expected

    @rule(case_id=cases, who=ACTORS, message=st.sampled_from(["", "Klaar"]))
    def resolve(self, case_id: int, who: str, message: str) -> None:
        actor = StaffActor(STAFF[who])
        kind = self.run(self.s.staff_views.view(StaffActor(STAFF["director"]), case_id)).case.kind
        step = self.s.staff_cases.resolve(actor, case_id, OUTCOMES[kind][0], message or None)
        self.act(case_id, step)

    @rule(
        case_id=cases,
        who=ACTORS,
        ground=st.sampled_from([None, "leerlingdossier"]),
    )
    def reject(self, case_id: int, who: str, ground: str | None) -> None:
        actor = StaffActor(STAFF[who])
        step = self.s.staff_cases.reject(actor, case_id, "Geen grond", ground)
        self.act(case_id, step)

    @rule(case_id=cases)
    def withdraw(self, case_id: int) -> None:
        self.act(case_id, self.s.cases.withdraw(self.parent, case_id), by_staff=False)

    @rule(case_id=cases, who=ACTORS)
    def escalate(self, case_id: int, who: str) -> None:
        actor = StaffActor(STAFF[who])
        self.act(case_id, self.s.staff_cases.escalate(actor, case_id))

    @rule(case_id=cases, who=ACTORS, to=st.integers(1, 4))
    def assign(self, case_id: int, who: str, to: int) -> None:
        actor = StaffActor(STAFF[who])
        self.act(case_id, self.s.staff_cases.assign(actor, case_id, to))

    @rule(days=st.integers(1, 12))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    @invariant()
    def the_rules_hold(self) -> None:
        rows = self.run(
            fetch_all(
                self.s.db.reader,
                "SELECT id, status, due_on, extended_due_on, outcome, closed_at, "
                "assignee_staff_id FROM cases",
            )
        )
        for row in rows:
            case_id, status = int(row[0]), Status(row[1])
            snapshot = tuple(row)
            if case_id in self.closed:
                assert self.closed[case_id] == snapshot, "a closed case changed"
            elif status in CLOSED:
                self.closed[case_id] = snapshot
            due = date.fromisoformat(row[3] or row[2])
            assert due >= self.due.get(case_id, due), "the due date moved earlier"
            self.due[case_id] = due
        extensions = self.run(
            fetch_all(
                self.s.db.reader,
                "SELECT case_id, COUNT(*) FROM case_events WHERE event = 'extended' "
                "GROUP BY case_id",
            )
        )
        assert all(int(r[1]) <= 2 for r in extensions), "extended more than twice"
        for row in rows:
            dates = self.run(self._dates(int(row[0])))
            latest = add_months(dates.received_on, 3)
            assert (dates.extended_due_on or dates.due_on) <= latest, "past three months"


CaseMachine.TestCase.settings = settings(
    derandomize=True, max_examples=40, stateful_step_count=30, deadline=None
)
TestCaseRules = CaseMachine.TestCase
