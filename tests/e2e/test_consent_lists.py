"""/consents: a teacher checks who may not appear before posting a class photo."""

from __future__ import annotations

import csv
import io

from bot.domain.model import Actor
from storage import schools
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_director, linked_parent, linked_teacher, staff_code


async def _consent(h: Harness, parent: Person, changes: dict[str, bool], child: int = 0) -> None:
    profile = await h.s.accounts.profile(parent.id)
    assert profile is not None
    await h.s.consents.change(
        Actor(parent.id, profile.guardian_ids), profile.children[child].id, changes
    )


async def _group_3_with_disagreeing_parents(h: Harness) -> None:
    marieke = await linked_parent(h, 5001, "Marieke de Jong", "nl")
    james = await linked_parent(h, 5002, "James Whitfield", "en")
    priya = await linked_parent(h, 5004, "Priya Sharma", "en")
    await _consent(h, marieke, {"website": True, "newsletter": True})
    await _consent(h, james, {"website": False})
    await _consent(h, priya, {"website": True, "newsletter": True, "class_app": False})
    await h.deliver_outbox()  # the teacher's task alerts arrive before the lists are asked


async def test_a_teacher_lists_who_may_not_appear_and_gets_the_table_in_dutch(
    harness: Harness,
) -> None:
    teacher = await linked_teacher(harness, 7001, ["3"])
    await _group_3_with_disagreeing_parents(harness)

    seen = await teacher.send("/consents")
    text = seen.text
    assert "Fototoestemming · groep 3 (2 leerlingen)" in text
    website = text.split("Website van de school:")[1].split("\n\n")[0]
    assert "1 kind mag er niet op" in website
    assert "Zoë de Jong: ouders oneens" in website
    assert "Arjun" not in website
    assert "Nieuwsbrief: iedereen mag erop." in text
    assert "Arjun Sharma: een ouder weigerde" in text.split("Klassenapp")[1]
    assert "geen antwoord telt als nee" in text
    assert "Tabel van groep 3 (CSV)" in seen.buttons

    seen = await teacher.tap("Website van de school")
    assert "Website van de school: 1 kind mag er niet op" in seen.text
    assert "Nieuwsbrief" not in seen.text.split("\n\n")[1]
    assert "» Website van de school" in seen.buttons and "Alle doelen" in seen.buttons

    seen = await teacher.tap("Tabel van groep 3 (CSV)")
    document = seen.last
    assert document.document is not None
    name, content = document.document
    assert name == "fototoestemming-groep-3-2026-11-02.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Leerling", "Groep", "Website van de school"]
    assert rows[2][:4] == [
        "Zoë de Jong",
        "3",
        "mag er niet op (ouders oneens)",
        "mag erop (toestemming)",
    ]
    assert "namen van kinderen" in (document.caption or "")

    # Typed arguments: a purpose by its key or name, a group by its name.
    seen = await teacher.send("/consents klassenapp")
    assert "Klassenapp (ouderapp): 2 kinderen mogen er niet op" in seen.text
    seen = await teacher.send("/consents nieuwsbrief groep 3")
    assert "Nieuwsbrief: iedereen mag erop." in seen.text

    # Another group is refused, nothing is shown; an unknown word explains the use.
    seen = await teacher.send("/consents 5")
    assert "alleen de toestemmingslijsten van uw eigen groepen" in seen.text
    assert "Daniël" not in seen.text and "Ömer" not in seen.text
    seen = await teacher.send("/consents website 3 <b>x</b>")
    assert "Gebruik: /consents [doel] [groep]" in seen.text
    assert "Uw groepen: 3" in seen.text


async def test_the_director_picks_a_group_in_english_and_old_buttons_stop(
    harness: Harness,
) -> None:
    director = await linked_director(harness, 7002, "en")
    await _group_3_with_disagreeing_parents(harness)

    seen = await director.send("/consents")
    assert "Which group?" in seen.text
    assert seen.buttons[:8] == [f"group {n}" for n in range(1, 9)]
    picker = seen.last
    seen = await director.tap("group 3")
    assert "Photo consent · group 3 (2 pupils)" in seen.text
    assert "Zoë de Jong: parents disagree" in seen.text
    seen = await director.tap("group 5")
    assert "Photo consent · group 5 (2 pupils)" in seen.text
    assert "School website: 2 children may not appear" in seen.text
    assert "Daniël van den Berg: no answer" in seen.text
    seen = await director.send("/consents newsletter 7")
    assert "Newsletter: 3 children may not appear" in seen.text

    # A button of an older message no longer works; a forged one neither.
    seen = await director.tap("group 3", picker)
    assert "Photo consent" not in seen.text
    seen = await director.tap_data("stcsv:1~AAAAAAAA")
    assert not any(m.document for m in seen.messages)


async def test_parents_unlinked_accounts_and_the_privacy_officer(harness: Harness) -> None:
    await _group_3_with_disagreeing_parents(harness)
    marieke = harness.person(5001)
    seen = await marieke.send("/consents")
    assert "De toestemmingslijsten zijn voor medewerkers van de school." in seen.text
    assert "Fototoestemming in /menu" in seen.text
    assert "Zoë" not in seen.text and "Arjun" not in seen.text

    stranger = harness.person(5999, "Sam", "en")
    seen = await stranger.send("/consents 3")
    assert seen.text == "Consent lists are for the school's staff."

    officer = harness.person(7003, "Femke", "en")
    await officer.send(
        f"/start {await staff_code(harness, 'F. Gerritsen', 'privacy_officer', [])}"
    )
    await officer.send("/language")
    await officer.tap("English")
    seen = await officer.send("/consents 3")
    assert "Photo consent in numbers" in seen.text
    assert "cbs Klimop: 12 pupils" in seen.text
    assert "School website: allowed for 1 of 12" in seen.text
    for name in ("Zoë", "Arjun", "de Jong", "Sharma"):
        assert name not in seen.text


async def test_the_staff_menu_entry_opens_the_lists(harness: Harness) -> None:
    """The staff menu's "Consent lists" button opens them."""
    teacher = await linked_teacher(harness, 7001, ["3", "5"], "en")
    await _group_3_with_disagreeing_parents(harness)
    assert harness.app is not None
    codec = harness.app.bot_data["codec"]
    menu = await teacher.send("/menu")
    seen = await teacher.tap("Consent lists", menu.last)
    assert "Consent lists\nWhich group?" in seen.text
    assert seen.buttons == ["group 3", "group 5", "« Back to the menu"]
    seen = await teacher.tap("group 5")
    assert "Photo consent · group 5 (2 pupils)" in seen.text
    assert "group 3" in seen.buttons
    # Another teacher's group by a signed but hand-made button: refused, nothing shown.
    reader = harness.s.db.reader
    school_id = await schools.find_id(reader, "cbs-klimop")
    assert school_id is not None
    group_7 = (await schools.group_ids(reader, school_id, ["7"]))["7"]
    seen = await teacher.tap_data(codec.encode(teacher.id, "stc", group_7, ""), seen.last)
    assert "You can only see the consent lists of your own groups." in seen.text
    assert "Lotte" not in seen.text and "Thijs" not in seen.text
    seen = await teacher.tap_data(
        codec.encode(teacher.id, "stcsv", group_7), teacher.last_with_buttons()
    )
    assert not any(m.document for m in seen.messages)
