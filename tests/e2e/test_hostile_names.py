"""Hostile names everywhere a name is shown: children, guardians and staff named like HTML
(a link, a bare "&", "<Zoon>"), with a right-to-left override, or 200 characters long, at a
school that names its staff to parents. Every message the bot sends in the flows below, to
parents and to every staff role, in Dutch and in English, must pass Telegram's HTML check (the
emulator refuses what Telegram refuses) and show each name literally, as text: never as a
link, never cut into tags.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.emulator import FakeBotAPI, SentMessage
from bot.i18n import gettext, use_language
from bot.schools.invitations import issue_guardian_codes
from bot.schools.roster import import_roster, parse_roster
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import staff_code
from tests.support import SCHOOL_TOML, FakeClock, make_settings

LINK = '<a href="https://x">x</a>'
AMP = "Jansen & Zn &amp; Co"  # shown as "& Co" if not escaped
TAG = "<Zoon>"
RTL = "Sanne\u202eennaS"
"""Refused in a roster (bot.schools.roster_files), so only a staff member's name has one."""
MARKUP = '<i>Vos</i> O\'Neil "jr"'
LONG = "L" + "é" * 196 + "<&>"
assert len(LONG) == 200

SCHOOL = "cbs <Klimop> & Zn"

# Children (first name, last name), their guardians, and the staff.
CHILD_1 = (LINK, TAG)
CHILD_2 = (LONG, MARKUP)
MOTHER = f"Moeder {AMP}"  # of child 1
FATHER = f"Vader {MARKUP}"  # of child 1
CARER = f"Ouder {TAG}"  # of child 2
TEACHER = f"Juf {LINK} {AMP}"
TEACHER_2 = LONG
DIRECTOR = f"Directeur {TAG} {AMP}"
OFFICER = f"Functionaris {RTL}"

BORN = {MOTHER: "14-02-2020", FATHER: "14-02-2020", CARER: "01-05-2019"}


def _roster() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "student_id",
            "first_name",
            "last_name",
            "birth_date",
            "group",
            "guardian_id",
            "guardian_name",
            "guardian_email",
            "guardian_language",
        ]
    )
    writer.writerow(["L1", *CHILD_1, "2020-02-14", "3", "O1", MOTHER, "", "nl"])
    writer.writerow(["L1", *CHILD_1, "2020-02-14", "3", "O2", FATHER, "", "en"])
    writer.writerow(["L2", *CHILD_2, "2019-05-01", "3", "O3", CARER, "", "nl"])
    return out.getvalue().encode()


def _school(folder: Path) -> Path:
    text = SCHOOL_TOML.read_text(encoding="utf-8")
    text = text.replace('name = "cbs Klimop"', f'name = "{SCHOOL}"', 1)
    text = text.replace(
        'administration_system = "ParnasSys"',
        'administration_system = "ParnasSys"\nshow_staff_names = true',
        1,
    )
    path = folder / "school.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def hostile(fake: FakeBotAPI, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    settings = make_settings(
        tmp_path,
        bot_token="123456:TEST-TOKEN",
        api_base_url=fake.api_root,
        schools=_school(tmp_path),
    )
    h = Harness(fake, settings, clock)
    await h.start()
    try:
        school = h.s.school("cbs-klimop")
        await import_roster(
            h.s.db, h.s.keys, clock, school, parse_roster(_roster(), clock.now().date())
        )
        yield h
    finally:
        await h.stop()
    assert fake.errors == [], [(c.method, c.description) for c in fake.errors]
    assert fake.unanswered_callback_queries() == []


def _translator(language: str) -> Callable[[str], str]:
    def tr(msgid: str) -> str:
        with use_language("en" if language == "en" else "nl"):
            return gettext(msgid)

    return tr


async def _parent(h: Harness, user_id: int, guardian: str, language: str) -> Person:
    if not h.guardian_codes:
        issued = await issue_guardian_codes(
            h.s.db, h.s.keys, h.clock, h.s.school("cbs-klimop"), days=30
        )
        h.guardian_codes.update({i.guardian_name: i.code for i in issued})
    person = h.person(user_id, "Ouder", language)
    await person.send(f"/start {h.guardian_codes[guardian]}")
    await person.send(BORN[guardian])
    await person.tap("Nederlands" if language == "nl" else "English")
    return person


async def _staff(h: Harness, user_id: int, name: str, role: str, language: str) -> Person:
    person = h.person(user_id, "Staf", language)
    groups = ["3"] if role == "teacher" else []
    await person.send(f"/start {await staff_code(h, name, role, groups)}")
    return person


def _says(person: Person, *names: str) -> None:
    """Each name appears literally in what this person was sent (text, caption, button)."""
    shown = "\n".join(
        f"{m.text}\n{m.caption or ''}\n" + "\n".join(m.button_texts) for m in person.messages
    )
    for name in names:
        assert name in shown, (name, person.transcript()[-3000:])


def _newest(person: Person) -> SentMessage:
    return person.messages[-1]


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_hostile_names_are_shown_as_text_in_every_message(
    hostile: Harness, language: str
) -> None:
    h = hostile
    tr = _translator(language)
    categories = h.s.school("cbs-klimop")

    def category(key: str) -> str:
        found = categories.category(key)
        assert found is not None
        return found.label.get("en" if language == "en" else "nl")

    teacher = await _staff(h, 7001, TEACHER, "teacher", language)
    teacher_2 = await _staff(h, 7002, TEACHER_2, "teacher", language)
    director = await _staff(h, 7003, DIRECTOR, "director", language)
    officer = await _staff(h, 7004, OFFICER, "privacy_officer", language)
    for member in (teacher, director, officer):
        await member.send("/menu")
        _says(member, SCHOOL)
    mother = await _parent(h, 5001, MOTHER, language)
    father = await _parent(h, 5002, FATHER, language)
    carer = await _parent(h, 5003, CARER, language)
    _says(mother, *CHILD_1, SCHOOL)
    _says(carer, *CHILD_2)

    # A copy of the dossier: the teachers' alert, queue and case screen; taking it on tells
    # the parent the teacher's name; a colleague's late attempt names who took it.
    await mother.tap(tr("What the school records"))
    await mother.tap(tr("Request a copy of the dossier"))
    await mother.tap(tr("In this chat"))
    await mother.tap(tr("Send request"))
    await h.deliver_outbox()
    _says(teacher, f"{LINK} {TAG}")
    await teacher.send("/queue")
    _says(teacher, f"2026-0001 · {LINK}")
    await teacher.send("/case 2026-0001")
    _says(teacher, f"{LINK} {TAG}", MOTHER)
    await teacher.tap(tr("Take on"))
    await h.deliver_outbox()
    assert TEACHER in _newest(mother).text
    seen = await teacher_2.send("/take 2026-0001")
    assert TEACHER in seen.text
    await teacher.send("/attach 2026-0001")
    seen = await teacher.do(lambda u: h.fake.send_document(u, f"{AMP} {TAG}.pdf"))
    assert f"{AMP} {TAG}.pdf" in seen.text
    await teacher.send("/resolve 2026-0001")
    await teacher.send(f"Voor {LINK} en {TAG}")
    await teacher.tap(tr("Confirm"))
    await h.deliver_outbox()
    _says(mother, f"Voor {LINK} en {TAG}")

    # A correction, passed to the head teacher, assigned to a colleague, extended, made.
    await mother.send("/menu")
    await mother.tap(tr("Correct data"))
    await mother.tap(category("absence"))
    await mother.send(f"{LINK} was niet afwezig & {TAG} ook niet.")
    await mother.tap(tr("Send request"))
    await h.deliver_outbox()
    await teacher.send("/escalate 2026-0002")
    await teacher.tap(tr("Yes, pass it on"))
    await h.deliver_outbox()
    _says(director, TEACHER, LINK)
    seen = await director.send("/assign 2026-0002")
    assert any(TEACHER_2 in b for b in seen.buttons)
    await director.tap(next(b for b in seen.buttons if b.startswith(TEACHER_2)))
    await h.deliver_outbox()
    _says(teacher_2, DIRECTOR, LINK)
    await teacher_2.send("/extend 2026-0002")
    await teacher_2.tap(tr("By one month"))
    await teacher_2.send(f"Het archief van {TAG} & co.")
    await teacher_2.tap(tr("Confirm"))
    await teacher_2.send("/resolve 2026-0002")
    await teacher_2.tap(tr("No message"))
    await teacher_2.tap(tr("Confirm"))
    informed = tr("✓ Informed: {name}").split("{")[0]
    screen = await teacher_2.send("/case 2026-0002")
    for label in [b for b in screen.buttons if b.startswith(informed)]:
        await teacher_2.tap(label, teacher_2.last_with_buttons())
    await h.deliver_outbox()
    _says(mother, f"Het archief van {TAG} & co.")

    # A deletion the head teacher refuses, saying why the data is kept.
    await mother.send("/menu")
    seen = await mother.tap(tr("Delete data"))
    await mother.tap(next(b for b in seen.buttons if category("progress") in b))
    await mother.tap(tr("Next"))
    await mother.send(f"Weg met {LINK}.")
    await mother.tap(tr("Send request"))
    await h.deliver_outbox()
    _says(director, f"{LINK} {TAG}")
    await director.send("/reject 2026-0003")
    await director.tap(director.last_with_buttons().button_texts[0])
    await director.send(f"Wettelijk bewaard, {AMP}.")
    await director.tap(tr("Confirm"))
    await h.deliver_outbox()
    _says(mother, f"Wettelijk bewaard, {AMP}.")

    # A request withdrawn by the parent of the other child: the teachers are told.
    await carer.tap(tr("What the school records"))
    await carer.tap(tr("Request a copy of the dossier"))
    await carer.tap(tr("In this chat"))
    await carer.tap(tr("Send request"))
    await carer.send("/menu")
    await carer.tap(tr("My requests"))
    await carer.tap(carer.last_with_buttons().button_texts[0])
    await carer.tap(tr("Withdraw this request"))
    await carer.tap(tr("Yes, withdraw it"))
    await h.deliver_outbox()
    _says(teacher, f"{LONG} {MARKUP}")
    _says(carer, LONG)

    # Photo consent: the other parent and the teacher are told, and the lists name the child.
    await mother.send("/menu")
    seen = await mother.tap(tr("Photo consent"))
    await mother.tap(mother.last_with_buttons().button_texts[0])
    await mother.tap(tr("Review my changes"))
    await mother.tap(tr("Confirm"))
    await h.deliver_outbox()
    _says(father, LINK)
    await teacher.send("/consents")
    seen = await teacher.tap(teacher.last_with_buttons().button_texts[0])
    _says(teacher, f"{LINK} {TAG}")

    # My requests and the request's page, for the parent.
    await mother.send("/menu")
    await mother.tap(tr("My requests"))
    seen = await mother.tap(mother.last_with_buttons().button_texts[0])
    _says(mother, f"{LINK} {TAG}")

    # Scheduled: the head teacher's digest, the officer's weekly report, reminders.
    await h.run_scheduled()
    _says(director, SCHOOL)
    _says(officer, SCHOOL)
    h.clock.moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    await h.run_scheduled()
    h.clock.moment = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    await h.run_scheduled()

    # A parent who blocked the bot: staff are told, and the head teacher's digest names him.
    await father.send("/menu")
    await father.tap(tr("What the school records"))
    await father.tap(tr("Request a copy of the dossier"))
    await father.tap(tr("In this chat"))
    seen = await father.tap(tr("Send request"))
    found = re.search(r"2026-\d{4}", seen.text)
    assert found is not None
    number = found[0]
    await h.deliver_outbox()
    h.fake.block_user(father.id)
    h.clock.advance(minutes=5)
    await teacher.send(f"/take {number}")
    await h.deliver_outbox()  # the notice to the father fails; the teacher is told
    await h.deliver_outbox()
    h.clock.advance(minutes=5)
    seen = await director.send("/digest")
    assert FATHER in seen.text
    await director.send(f"/case {number}")
    _says(director, f"{LINK} {TAG}", FATHER)

    # Not once did a name become a link or a tag, in any chat.
    for person in (teacher, teacher_2, director, officer, mother, father, carer):
        for message in person.messages:
            kinds = {e.get("type") for e in message.entities}
            assert "text_link" not in kinds and "url" not in kinds, message.text
