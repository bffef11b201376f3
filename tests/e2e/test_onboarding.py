"""A parent and a teacher link their Telegram accounts, as they would on a phone."""

from __future__ import annotations

from bot.security import codes
from tests.e2e.harness import Harness
from tests.e2e.helpers import guardian_code, staff_code


async def test_a_parent_is_verified_in_dutch_and_reaches_the_menu(harness: Harness) -> None:
    inge = harness.person(5001, "Inge", "nl")
    code = await guardian_code(harness, "Inge Mulder")

    seen = await inge.send(f"/start {code}")
    assert "geboortedatum" in seen.text
    seen = await inge.send("9 maart 2022")
    assert "Dank u wel, uw account is gekoppeld" in seen.text
    assert seen.buttons == ["Nederlands", "English"]
    seen = await inge.tap("Nederlands")
    assert "Ik schrijf u voortaan in het Nederlands" in seen.text
    assert "Sem Mulder, groep 1" in seen.text
    assert "Privacy-informatie" in seen.buttons

    seen = await inge.send("/start")
    assert "Sem Mulder, groep 1" in seen.text


async def test_a_parent_types_the_code_in_english_with_typos_and_spaces(
    harness: Harness,
) -> None:
    james = harness.person(5002, "James", "en")
    code = await guardian_code(harness, "James Whitfield")
    seen = await james.send("/start")
    assert "Please type the code" in seen.text
    typed = codes.display(code).lower().replace("0", "o").replace("-", " ")
    seen = await james.send(typed)
    assert "date of birth" in seen.text
    seen = await james.send("14/02/2020")
    assert seen.buttons == ["English", "Nederlands"]
    seen = await james.tap("English")
    assert "I will write to you in English" in seen.text
    assert "Zoë de Jong, group 3" in seen.text


async def test_a_parent_with_two_children_sees_both_and_a_second_code_adds_a_child(
    harness: Harness,
) -> None:
    priya = harness.person(5003, "Priya", "en")
    await priya.send(f"/start {await guardian_code(harness, 'Priya Sharma')}")
    await priya.send("08-12-2019")
    seen = await priya.tap("English")
    assert "Arjun Sharma, group 3" in seen.text and "Meera Sharma, group 7" in seen.text

    # Marieke's code, on the same phone: Zoë is added; no language question again.
    await priya.send(f"/start {await guardian_code(harness, 'Marieke de Jong')}")
    seen = await priya.send("14-02-2020")
    assert "the code has been added to your account" in seen.text
    assert "Zoë de Jong" in seen.text and "Meera Sharma" in seen.text


async def test_wrong_used_and_expired_codes_get_one_answer(harness: Harness) -> None:
    visitor = harness.person(5004, "Visitor", "nl")
    seen = await visitor.send("/start 0123456789ABCDEFGHJKMNPQRS")
    assert "Deze code werkt niet" in seen.text
    assert "over 30 seconden" in seen.text
    harness.clock.advance(minutes=1)

    code = await guardian_code(harness, "Anouk Smit")
    other = harness.person(5005, "Anouk", "nl")
    await other.send(f"/start {code}")
    await other.send("05-08-2016")
    seen = await visitor.send(f"/start {code}")
    used_answer = seen.text
    assert "Deze code werkt niet" in used_answer

    harness.clock.advance(days=40)
    expired = await guardian_code(harness, "Jelle Hoekstra")
    seen = await visitor.send(f"/start {expired}")
    assert seen.text.split("\n")[0] == used_answer.split("\n")[0]


async def test_backoff_blocks_even_the_right_code_for_a_while(harness: Harness) -> None:
    visitor = harness.person(5006, "Visitor", "en")
    await visitor.send("/start 0123456789ABCDEFGHJKMNPQRS")
    seen = await visitor.send(await guardian_code(harness, "Jelle Hoekstra"))
    assert "Too many attempts" in seen.text and "in 30 seconds" in seen.text
    harness.clock.advance(seconds=31)
    seen = await visitor.send(await guardian_code(harness, "Jelle Hoekstra"))
    assert "date of birth" in seen.text


async def test_five_wrong_dates_block_the_code(harness: Harness) -> None:
    jelle = harness.person(5007, "Jelle", "nl")
    code = await guardian_code(harness, "Jelle Hoekstra")
    await jelle.send(f"/start {code}")
    for left in (4, 3, 2, 1):
        seen = await jelle.send("01-01-2015")
        assert f"nog {left} poging" in seen.text
        harness.clock.advance(hours=1)
    seen = await jelle.send("01-01-2015")
    assert "geblokkeerd" in seen.text
    harness.clock.advance(hours=1)
    seen = await jelle.send(f"/start {code}")
    # Waiting does not help: the code is blocked for good, and the letter says what to do.
    assert "Hij werkt niet meer: vraag de school om een nieuwe brief." in seen.text
    assert "opnieuw proberen" not in seen.text
    assert await harness.s.accounts.profile(jelle.id) is None
    # Someone else typing the same code learns nothing about it.
    other = harness.person(5008, "Ander", "nl")
    seen = await other.send(f"/start {code}")
    assert "Deze code werkt niet" in seen.text and "geblokkeerd" not in seen.text


async def test_a_teacher_is_verified_with_a_staff_code(harness: Harness) -> None:
    anna = harness.person(7001, "Anna", "nl")
    code = await staff_code(harness, "Anna de Wit", "teacher", ["3", "4"])
    seen = await anna.send(f"/start {code}")
    assert "Welkom, Anna de Wit" in seen.text
    assert "leerkracht van groep 3 en 4 bij cbs Klimop" in seen.text
    seen = await anna.send("/help")
    assert "Voor medewerkers" in seen.text
