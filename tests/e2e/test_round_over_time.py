"""A consent round over two weeks, as the parents live it, in Dutch and English: one
question per child, a mixed answer and its summary, a reminder only on a school day from
08:00 and only to who did not answer, a child who joins the roster while the round is open,
two parents who disagree, and after closing no reminder ever again, the head teacher's
summary, and the round's old buttons opening the consent screen."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.staff_base import StaffActor
from bot.emulator import SentMessage
from bot.schools.roster import import_roster, parse_roster
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_director, linked_parent
from tests.round_helpers import draft
from tests.support import ROSTER_CSV

# Mila, Zoë's little sister, joins group 1 with the same two parents.
MILA = [
    "L1015,Mila,de Jong,2022-07-30,1,O2001,Marieke de Jong,marieke.dejong@mail.example,nl",
    "L1015,Mila,de Jong,2022-07-30,1,O2002,James Whitfield,james.whitfield@mail.example,en",
]
ASKS = ("vraagt om uw toestemming", "asks for your consent")
REMINDS = ("Herinnering:", "Reminder:")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 in UTC (school time is an hour later)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def questions(person: Person, child: str = "") -> list[SentMessage]:
    """The round's questions a parent has (a question answered shows the summary instead)."""
    return [
        m
        for m in person.messages
        if any(a in m.text.split("\n", 1)[0] for a in ASKS) and child in m.text
    ]


def reminders(person: Person) -> list[SentMessage]:
    return [m for m in person.messages if m.text.startswith(REMINDS)]


async def _parents_and_round(h: Harness, **changes: object) -> tuple[Person, Person, Person]:
    """Marieke (Dutch) and James (English), Zoë's parents, use the bot; on Monday
    2 November at 10:00 the head teacher starts round 1 about the website and the
    newsletter."""
    director = await linked_director(h, 7002, "nl")
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(h, 5002, "James Whitfield", "en")
    await h.deliver_outbox()
    h.manual_outbox()
    await h.s.rounds.start(
        StaffActor(director.id), await draft(h.s, h.clock, **changes), idempotency_key="r1"
    )
    await h.deliver_outbox()
    return director, marieke, james


async def _scheduled_at(h: Harness, moment: datetime) -> None:
    h.clock.moment = moment
    await h.run_scheduled()


async def test_a_round_over_two_weeks_as_both_parents_see_it(harness: Harness) -> None:
    h = harness
    director, marieke, james = await _parents_and_round(h)

    # One message per child, in each parent's language, with the school's descriptions.
    [asked] = questions(marieke)
    assert asked.text.startswith("cbs Klimop vraagt om uw toestemming\nVoor: Zoë (groep 3)\n")
    assert (
        "1. Website van de school\nDe foto of video staat op de openbare website van de "
        "school. Iedereen op internet kan hem zien.\nUw antwoord nu: niet beantwoord"
    ) in asked.text
    assert "2. Nieuwsbrief\nDe foto staat in de nieuwsbrief" in asked.text
    assert "Wilt u uiterlijk maandag 16 november 2026 antwoorden?" in asked.text
    assert asked.button_texts == ["1. Ja", "1. Nee", "2. Ja", "2. Nee", "Versturen"]
    [question] = questions(james)
    assert question.text.startswith("cbs Klimop asks for your consent\nFor: Zoë (group 3)\n")
    assert (
        "1. School website\nThe photo or video appears on the school's public website. "
        "Anyone on the internet can see it.\nYour answer now: not answered"
    ) in question.text
    assert "2. Newsletter\nThe photo appears in the newsletter" in question.text
    assert "Please answer by Monday, 16 November 2026." in question.text
    assert question.button_texts == ["1. Yes", "1. No", "2. Yes", "2. No", "Send"]

    # Marieke: yes to the website, no to the newsletter.
    await marieke.tap("1. Ja", asked)
    seen = await marieke.tap("2. Nee", asked)
    assert seen.buttons[:4] == ["1. ✅ Ja", "1. Nee", "2. Ja", "2. ❌ Nee"]
    seen = await marieke.tap("Versturen", asked)
    assert (
        "Dank u wel. Uw antwoorden voor Zoë zijn opgeslagen:\n"
        "• Website van de school: toestemming gegeven\n• Nieuwsbrief: geen toestemming\n\n"
        "Wat nu geldt:\n• Website van de school: foto's toegestaan\n• Nieuwsbrief: geen foto's"
    ) in seen.text
    assert "U kunt dit altijd wijzigen onder Fototoestemming in /menu." in seen.text
    assert "(wijziging 2026-0001, onder Mijn verzoeken)" in seen.text  # a change, not a request
    await h.deliver_outbox()
    told = james.messages[-1].text
    assert told.startswith("Another parent or guardian of Zoë has changed their photo consent")
    assert "• School website: photos allowed (a parent gave consent and nobody refused)" in told

    # Five days later is a Saturday; on Monday nothing before 08:00 school time.
    seen_by = {p.id: len(p.messages) for p in (marieke, james)}
    await _scheduled_at(h, at(7, 9))
    await _scheduled_at(h, at(9, 6, 59))
    assert {p.id: len(p.messages) for p in (marieke, james)} == seen_by
    await _scheduled_at(h, at(9, 7))  # Monday 9 November, 08:00
    [reminder] = reminders(james)
    assert reminder.text == (
        "Reminder: on 2 November 2026 cbs Klimop asked for your consent for Zoë (group 3):\n"
        "1. School website\n2. Newsletter\n\n"
        "Please answer by Monday, 16 November 2026: tap Yes or No for each purpose, then "
        "Send. No answer counts as no."
    )
    assert reminder.button_texts == ["1. Yes", "1. No", "2. Yes", "2. No", "Send"]
    assert len(james.messages) == seen_by[james.id] + 1  # one short message, nothing else
    assert reminders(marieke) == [] and len(marieke.messages) == seen_by[marieke.id]
    await _scheduled_at(h, at(9, 7, 1))
    assert len(reminders(james)) == 1

    # In the evening the school imports the roster with Mila, Zoë's sister, in group 1.
    h.clock.moment = at(9, 20)  # 21:00 school time: the parents are asked in the morning
    rows = ROSTER_CSV.read_text(encoding="utf-8").splitlines() + MILA
    await import_roster(
        h.s.db,
        h.s.keys,
        h.clock,
        h.s.school("cbs-klimop"),
        parse_roster("\n".join(rows).encode(), date(2026, 11, 9)),
    )
    await h.run_scheduled()
    assert questions(marieke, "Mila") == [] and questions(james, "Mila") == []
    await _scheduled_at(h, at(10, 7))
    await _scheduled_at(h, at(10, 7, 1))  # a second run asks nobody again
    [mila_nl] = questions(marieke, "Mila")
    assert mila_nl.text.startswith("cbs Klimop vraagt om uw toestemming\nVoor: Mila (groep 1)\n")
    assert "Uw antwoord nu: niet beantwoord" in mila_nl.text
    [mila_en] = questions(james, "Mila")
    assert mila_en.text.startswith("cbs Klimop asks for your consent\nFor: Mila (group 1)\n")
    assert len(questions(james)) == 2  # Zoë's, still open, and Mila's

    # James answers with the reminder's buttons: no and no. The website is now a no.
    await james.tap("1. No", reminder)
    await james.tap("2. No", reminder)
    seen = await james.tap("Send", reminder)
    assert (
        "Thank you. Your answers for Zoë are saved:\n"
        "• School website: no consent\n• Newsletter: no consent\n\n"
        "What applies now:\n• School website: no photos\n• Newsletter: no photos"
    ) in seen.text
    assert "(change 2026-0002, under My requests)" in seen.text
    await h.deliver_outbox()
    told = marieke.messages[-1].text
    assert told.startswith(
        "Een andere ouder of verzorger van Zoë heeft zijn of haar fototoestemming gewijzigd:\n"
        "• Website van de school: toestemming geweigerd"
    )
    assert (
        "Wat nu geldt:\n• Website van de school: geen foto's (een ouder weigerde)\n"
        "• Nieuwsbrief: geen foto's (een ouder weigerde)"
    ) in told

    # On Wednesday the head teacher closes the round in the bot.
    h.clock.moment = at(11, 9)
    await director.send("/menu")
    await director.tap("Toestemmingsrondes")
    await director.tap("Toestemmingsronde 1")
    await director.tap("Nu sluiten")
    seen = await director.tap("Ja, nu sluiten")
    assert "Toestemmingsronde 1 is gesloten" in seen.text
    await h.deliver_outbox()
    summary = director.messages[-1].text
    assert summary.startswith("Toestemmingsronde 1 is gesloten\ncbs Klimop: Website van de")
    assert "2 later toegevoegd; 1 herinnering verstuurd." in summary
    assert (
        "Groep 3: beantwoord voor 1 van 2 kinderen\n• Website van de school: 0 / 1 / 0 / 1\n"
        "• Nieuwsbrief: 0 / 1 / 0 / 1"
    ) in summary
    assert (
        "Groep 1: beantwoord voor 0 van 2 kinderen\n• Website van de school: 0 / 0 / 1 / 1"
        in summary
    )

    # Mila's first reminder would have been due on Monday 16 November: none ever comes.
    seen_by = {p.id: len(p.messages) for p in (marieke, james)}
    for day in (12, 13, 16, 17, 20, 23):
        await _scheduled_at(h, at(day, 7))
        await _scheduled_at(h, at(day, 12))
    assert {p.id: len(p.messages) for p in (marieke, james)} == seen_by
    assert reminders(marieke) == [] and reminders(james) == []  # his shows his answers now

    # An old question's button opens the consent screen; the tap itself changes nothing.
    seen = await james.tap("1. Yes", question)
    assert seen.text.startswith("Photo consent for Zoë\n")
    assert "Now: no photos of Zoë (you refused)." in seen.text
    assert "Your answer: no consent\nNow: no photos of Zoë (you refused)." in seen.text
    assert "because another parent refused" not in seen.text  # both refused: his own answer
    seen = await marieke.tap("1. Ja", mila_nl)
    assert seen.text.startswith("Fototoestemming voor Mila\n")
    assert (
        "➖ Website van de school: De foto of video staat op de openbare website van de "
        "school. Iedereen op internet kan hem zien.\nUw antwoord: niet beantwoord\n"
        "Nu: geen foto's van Mila (nog niemand gaf toestemming)."
    ) in seen.text
    assert "➖ Website van de school" in seen.buttons


async def test_the_closing_date_passes_between_the_two_reminders(harness: Harness) -> None:
    h = harness
    director, marieke, james = await _parents_and_round(h, closes_on=date(2026, 11, 11))
    [question] = questions(james)
    assert "Please answer by Wednesday, 11 November 2026." in question.text

    await _scheduled_at(h, at(9, 7))  # the first reminder, to both
    [reminder] = reminders(marieke)
    assert reminder.text.startswith(
        "Herinnering: op 2 november 2026 vroeg cbs Klimop om uw toestemming voor Zoë "
        "(groep 3):\n1. Website van de school\n2. Nieuwsbrief\n\n"
        "Wilt u uiterlijk woensdag 11 november 2026 antwoorden?"
    )
    assert len(reminders(james)) == 1

    # The round closes at midnight after 11 November; the second reminder day passes.
    await _scheduled_at(h, at(11, 23, 1))
    await h.deliver_outbox()
    assert director.messages[-1].text.startswith("Toestemmingsronde 1 is gesloten")
    for day in (12, 13, 16, 17):
        await _scheduled_at(h, at(day, 7))
    assert len(reminders(marieke)) == 1 and len(reminders(james)) == 1

    # The reminder's buttons now open the consent screen, in each parent's language.
    seen = await marieke.tap("1. Ja", reminder)
    assert seen.text.startswith("Fototoestemming voor Zoë\n")
    assert "Uw antwoord: niet beantwoord" in seen.text
    seen = await james.tap("Send", reminders(james)[0])
    assert seen.text.startswith("Photo consent for Zoë\n")
    assert "Your answer: not answered" in seen.text
