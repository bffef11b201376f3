"""What staff see of a round: progress, per group and purpose, who needs paper, the summary
at closing; the privacy officer in numbers; nobody another school's round."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.consent_lists import Appearance, ConsentLists
from bot.domain.rounds.audience import Reach
from bot.domain.rounds.model import Refusal, RoundRefused
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_staff_rounds import (
    digest_lines,
    officer_lines,
    response_line,
    round_screen,
)
from bot.domain.undeliverable import UndeliverableNotices
from bot.i18n import use_language
from bot.jobs.digest import build as build_digest
from bot.jobs.dispatcher import Dispatcher, SendOutcome, Sent, Undeliverable
from bot.outbox import Button, Keyboard
from bot.services import Services
from storage import staff
from tests.domain_helpers import link_staff
from tests.round_helpers import (
    DIRECTOR,
    MARIEKE,
    PRIYA,
    audit_actions,
    director,
    klimop_id,
    parents,
    pending,
    request_id,
    start,
)
from tests.support import FakeClock


class Telegram:
    """Delivers every message, except to the chats that blocked the bot."""

    def __init__(self, blocked: set[int]) -> None:
        self.blocked = blocked

    async def text(self, chat_id: int, text: str) -> SendOutcome:
        return Undeliverable("blocked by the user") if chat_id in self.blocked else Sent()

    async def button(self, chat_id: int, text: str, button: Button) -> SendOutcome:
        return await self.text(chat_id, text)

    async def keyboard(self, chat_id: int, text: str, keyboard: Keyboard) -> SendOutcome:
        return await self.text(chat_id, text)


def dispatcher(s: Services, clock: FakeClock, blocked: set[int]) -> Dispatcher:
    telegram = Telegram(blocked)
    return Dispatcher(
        s.db,
        s.cipher,
        clock,
        telegram.text,
        button_sender=telegram.button,
        keyboard_sender=telegram.keyboard,
        on_undeliverable=UndeliverableNotices(s.cipher, s.keys),
    )


async def test_the_round_screen_counts_and_the_summary_at_closing(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    boss = await director(s, clock)
    people = await parents(s, clock)
    round_ = await start(s, clock)
    view = await s.round_views.view(boss, round_.id)
    assert (view.requests, view.questions, view.sent, view.answered) == (16, 4, 0, 0)
    assert (view.on_paper, view.not_linked, view.blocked) == (12, 12, 0)

    # Priya blocked the bot: her two questions cannot be delivered, and count under paper.
    await dispatcher(s, clock, blocked={PRIYA}).run_until_idle()
    view = await s.round_views.view(boss, round_.id)
    assert (view.questions, view.sent, view.blocked, view.on_paper) == (4, 2, 2, 14)
    assert await pending(s, DIRECTOR) == []  # no alert per blocked message: the screen shows it

    marieke = people[MARIEKE]
    request = await request_id(s, round_.id, MARIEKE)
    question = await s.round_answers.question(marieke, request)
    await s.round_answers.answer(marieke, request, question.code({"website": True}))
    view = await s.round_views.view(boss, round_.id)
    assert view.answered == 1
    group_3 = next(g for g in view.groups if g.group == "3")
    assert (group_3.children, group_3.answered) == (2, 1)  # Zoë answered, Arjun not
    assert group_3.purposes["website"].yes == 1
    # Arjun's only guardian blocked the bot: he counts under paper, not under not answered.
    assert group_3.purposes["website"].on_paper == 1
    assert group_3.purposes["newsletter"].not_answered == 1
    assert view.totals.children == 12 and view.totals.purposes["website"].yes == 1
    assert view.paper is not None
    assert {(p.child, p.why) for p in view.paper if p.group == "3"} == {
        ("Arjun Sharma", Reach.BLOCKED)
    }
    with use_language("en"):
        screen = round_screen(view)
    assert "<b>Consent round 1: School website, Newsletter</b>" in screen
    assert (
        "Sent in the bot: 2 of 4. Answered: 1 of 16 questions, one per parent and child (6%)."
        in screen
    )
    assert "<b>Group 3</b>: answered for 1 of 2 children" in screen
    assert "• School website: 1 / 0 / 0 / 1" in screen
    assert "• Group 3: Arjun Sharma, Priya Sharma (blocked the bot)" in screen

    with use_language("nl"):
        lines = digest_lines([(round_, view.requests, view.answered)], view.school)
    assert lines[1].startswith("• Toestemmingsronde 1: Website van de school, Nieuwsbrief, tot")
    assert lines[1].endswith(": 1 van 16 beantwoord (6%)")

    await s.round_closing.close_now(boss, round_.id)
    [summary] = [
        text for text, key in await pending(s, DIRECTOR) if key and key.endswith(":summary:7002")
    ]
    assert "<b>Toestemmingsronde 1 is gesloten</b>" in summary
    assert "Per groep en doel: ja / nee / niet beantwoord / op papier" in summary
    assert "<b>Groep 3</b>: beantwoord voor 1 van 2 kinderen" in summary
    assert "• Website van de school: 1 / 0 / 0 / 1" in summary
    assert "Arjun" not in summary  # numbers, no names
    assert (await s.round_views.view(boss, round_.id)).round.status == "closed"


async def test_the_privacy_officer_sees_numbers_and_nobody_another_schools_round(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    await director(s, clock)
    await parents(s, clock)
    round_ = await start(s, clock)
    await link_staff(s, clock, "F. Gerritsen", "privacy_officer", [], 7003)
    officer = StaffActor(7003)
    view = await s.round_views.view(officer, round_.id)
    assert view.paper is None and view.totals.children == 12
    [school] = await s.round_views.for_officer(officer)
    with use_language("en"):
        text = officer_lines([(school.school, school.views)])
    assert "cbs Klimop" in text and "Zoë" not in text and "Sharma" not in text
    assert [line.round.number for line in await s.round_views.rounds(officer)] == [1]

    await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    for who in (StaffActor(7001), StaffActor(4242)):
        with pytest.raises(RoundRefused) as refused:
            await s.round_views.view(who, round_.id)
        assert refused.value.reason == Refusal.NOT_YOURS


async def test_the_teachers_list_the_digest_and_the_csv_of_a_round(
    school_services: Services, clock: FakeClock
) -> None:
    s = school_services
    boss = await director(s, clock)
    anna = await link_staff(s, clock, "Anna de Wit", "teacher", ["3"], 7001)
    people = await parents(s, clock)
    round_ = await start(s, clock)
    marieke = people[MARIEKE]
    request = await request_id(s, round_.id, MARIEKE)
    question = await s.round_answers.question(marieke, request)
    await s.round_answers.answer(marieke, request, question.code({"website": False}))

    member = await staff.get(s.db.reader, anna)
    assert member is not None
    lists = ConsentLists(s.db, s.keys, clock, s.school_by_id)
    [group] = await lists.groups([member])
    table = await lists.table(7001, [member], group.id)
    [(open_round, children, answered)] = table.responses
    assert (open_round.number, children, answered) == (1, 2, 1)
    with use_language("en"):
        assert response_line(open_round, children, answered) == "Consent round 1: 1 of 2 answered"
    zoe = next(p for p in table.pupils if p.student.first_name == "Zoë")
    assert zoe.states["website"] == Appearance.REFUSED  # the round's answer, live

    school_id = await klimop_id(s)
    with use_language("nl"):
        digest = await build_digest(
            s.db.reader, school_id, s.school_by_id[school_id], clock.now(), clock.now()
        )
    assert "Open toestemmingsrondes: 1" in digest
    assert "1 van 16 beantwoord (6%)" in digest

    with use_language("nl"):
        name, data = await s.round_views.export(boss, round_.id)
    assert name == "toestemmingsronde-1-2026-11-02.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Groep",
        "Leerling",
        "Ouder of verzorger",
        "Gevraagd",
        "Beantwoord",
        "Website van de school",
        "Nieuwsbrief",
    ]
    assert len(rows) == 17
    zoe_rows = {r[2]: r for r in rows if r[1] == "Zoë de Jong"}
    assert zoe_rows["Marieke de Jong"][3:] == [
        "in de bot",
        "02-11-2026 (in de bot)",
        "geen toestemming",
        "niet beantwoord",
    ]
    assert zoe_rows["James Whitfield"][4] == ""
    sem = next(r for r in rows if r[1] == "Sem Mulder")
    assert sem[3] == "op papier: niet gekoppeld"
    exported = [d for a, d in await audit_actions(s) if a == "round.exported"]
    assert exported == [{"rows": 16}]

    # Names leave the bot only for the director: the privacy officer is refused.
    await link_staff(s, clock, "F. Gerritsen", "privacy_officer", [], 7003)
    with pytest.raises(RoundRefused):
        await s.round_views.export(StaffActor(7003), round_.id)
