"""Buttons for another family's case or child, old menus and forged data: refused,
recorded, and nothing changes."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.domain.free_text import TextProblem, clean_text, text_problem
from bot.domain.model import Actor
from handlers.callbacks import CallbackCodec
from handlers.commands import KNOWN
from storage import audit_events, cases
from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_parent


def _codec(h: Harness) -> CallbackCodec:
    assert h.app is not None
    codec: CallbackCodec = h.app.bot_data["codec"]
    return codec


async def _refusals(h: Harness) -> list[str]:
    return [
        e.details
        async for e in audit_events.iterate(h.s.db.reader)
        if e.action == "button.refused"
    ]


async def test_another_familys_case_and_child_are_refused(harness: Harness) -> None:
    anouk = await linked_parent(harness, 5001, "Anouk Smit", "en")
    await anouk.tap("What the school records")
    await anouk.tap("Request a copy of the dossier")
    await anouk.tap("In this chat")
    await anouk.tap("Send request")
    case_id = 1
    thijs = (await harness.s.accounts.profile(anouk.id)).children[0].id  # type: ignore[union-attr]

    inge = await linked_parent(harness, 5002, "Inge Mulder", "en")
    codec = _codec(harness)
    # Even correctly signed for Inge (which a real client cannot forge), the school's rules
    # refuse: not her case, not her child.
    for data in [
        codec.encode(inge.id, "case", case_id),
        codec.encode(inge.id, "wdok", case_id),
        codec.encode(inge.id, "acc", thijs),
        codec.encode(inge.id, "accok", thijs),
        codec.encode(inge.id, "conok", thijs, "yyyyy"),
    ]:
        await inge.send("/menu")
        seen = await inge.tap_data(data, inge.last_with_buttons())
        assert "That is not possible from this account." in seen.text
        assert "Sem Mulder" in seen.text  # her own menu again
    row = await cases.get(harness.s.db.reader, case_id)
    assert row is not None and row.status == "submitted"
    profile = await harness.s.accounts.profile(anouk.id)
    assert profile is not None
    states = await harness.s.consents.states(Actor(anouk.id, profile.guardian_ids), thijs)
    assert all(s.own is None for s in states)
    details = await _refusals(harness)
    assert details.count('{"reason":"not_their_case"}') == 2
    assert details.count('{"reason":"not_their_child"}') == 3


async def test_an_old_confirm_button_does_not_submit_twice(harness: Harness) -> None:
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "en")
    await anouk.tap("What the school records")
    await anouk.tap("Request a copy of the dossier")
    await anouk.tap("In this chat")
    confirm_screen = anouk.last_with_buttons()
    await anouk.tap("Send request", confirm_screen)
    # The same button data is replayed on that message, after a newer menu was sent.
    await anouk.send("/menu")
    profile = await harness.s.accounts.profile(anouk.id)
    assert profile is not None
    data = _codec(harness).encode(anouk.id, "accok", profile.children[0].id)
    seen = await anouk.tap_data(data, confirm_screen)
    assert "This button no longer works." in [
        c.params.get("text") for c in harness.fake.calls_to("answerCallbackQuery")
    ]
    assert "Thijs Smit" in seen.text
    assert len(await cases.for_guardians(harness.s.db.reader, list(profile.guardian_ids))) == 1


async def test_a_draft_survives_a_restart(harness: Harness) -> None:
    inge = await linked_parent(harness, 5004, "Inge Mulder", "en")
    await inge.tap("Correct data")
    await inge.tap(inge.last_with_buttons().button_texts[1])
    await harness.restart()
    seen = await inge.send("The absence on 3 March was a doctor's visit.")
    assert "Please check your request" in seen.text
    await harness.restart()
    seen = await inge.tap("Send request")
    assert "Request number: 2026-0001" in seen.text


async def test_an_unknown_command_does_not_lose_the_question(harness: Harness) -> None:
    inge = await linked_parent(harness, 5007, "Inge Mulder", "en")
    await inge.tap("Correct data")
    await inge.tap(inge.last_with_buttons().button_texts[0])
    seen = await inge.send("/frobnicate")
    assert "I am still waiting for your text" in seen.text
    assert "Please type what is wrong" in seen.text
    seen = await inge.send("/ not a command either")
    assert "I am still waiting for your text" in seen.text
    seen = await inge.send("Our house number is 12, not 21.")
    assert "Please check your request" in seen.text
    seen = await inge.send("/help")
    seen = await inge.send("More text after help")
    assert "Please use the buttons" in seen.text


async def test_cancel_and_buttons_end_the_text_question(harness: Harness) -> None:
    inge = await linked_parent(harness, 5005, "Inge Mulder", "nl")
    await inge.tap("Gegevens corrigeren")
    await inge.tap(inge.last_with_buttons().button_texts[0])
    seen = await inge.send("/cancel")
    assert "Geannuleerd" in seen.text
    seen = await inge.send("deze tekst hoort nergens bij")
    assert "Gebruik de knoppen" in seen.text
    await inge.tap("Gegevens corrigeren")
    await inge.tap(inge.last_with_buttons().button_texts[0])
    seen = await inge.do(harness.fake.send_photo)
    assert "Wilt u uw antwoord als tekst typen?" in seen.text
    seen = await inge.tap("Annuleren")
    assert "Er is niets verstuurd" in seen.text


# Telegram's rule: "/" and 1-32 letters, digits or underscores, optionally @botname.
_TELEGRAM_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")

_TEXTS = st.one_of(
    st.text(min_size=1, max_size=1000),
    st.sampled_from(
        [
            "<b>vet</b> & <i>schuin",
            "</blockquote><a href='x'>",
            "😀" * 500,
            "x" * 5000,
            "\x00\x07\u202e text \ufeff",
            "&amp; &lt; &#1; &foo;",
            "a\n\n\nb",
            " ",
            "\t\n",
            "/",
            "/ niet een opdracht",
            "//",
            "a /help b",
            "/0",
            "/frobnicate@KlimopTestBot",
            "\u200b\u2060\ufeff",
            "Adres\x00 klopt niet",
        ]
    ),
)


@example(text="/", step="Correct data")
@example(text="/0", step="Correct data")  # Telegram marks it as a command (found by Hypothesis)
@example(text="\u200b", step="Correct data")
@example(text="a\x00b", step="Delete data")
@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(text=_TEXTS, step=st.sampled_from(["Correct data", "Delete data"]))
async def test_any_free_text_is_stored_echoed_escaped_and_never_breaks_a_message(
    harness: Harness, text: str, step: str
) -> None:
    command = _TELEGRAM_COMMAND.match(text)
    assume(not (command and command.group(1).lower() in KNOWN))  # those have their own screens
    parent = harness.person(5006, "Priya", "en")
    if await harness.s.accounts.profile(parent.id) is None:
        parent = await linked_parent(harness, 5006, "Priya Sharma", "en")
    await parent.send("/menu")
    await parent.tap(step)
    await parent.tap("Meera (group 7)")
    await parent.tap(parent.last_with_buttons().button_texts[0])
    if step == "Delete data":
        await parent.tap("Next")
    seen = await parent.send(text)
    problem = text_problem(text)
    if text.startswith("/"):
        assert "I am still waiting for your text" in seen.text
    elif problem is TextProblem.CONTROL:
        assert "cannot be stored" in seen.text and "Please check" not in seen.text
    elif problem is TextProblem.EMPTY:
        assert "Please type" in seen.text and "Please check" not in seen.text
    elif problem is TextProblem.TOO_LONG:
        assert "the limit is 1,000" in seen.text
    else:
        cleaned = clean_text(text)
        assert "Please check your request" in seen.text
        assert cleaned in seen.text
        await parent.tap("Send request")
        profile = await harness.s.accounts.profile(parent.id)
        assert profile is not None
        newest = (await harness.s.cases.visible_to(Actor(parent.id, profile.guardian_ids)))[0]
        assert newest.text == cleaned
    await parent.send("/cancel")
    assert harness.fake.errors == []
