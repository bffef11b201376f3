"""Malformed callback data (a signature in another script, a lone surrogate, no signature,
too long) is refused like a forged button: the tap is answered with a translated line, the
refusal is audited, the menu comes back and nothing changes."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handlers.callbacks import CallbackCodec
from storage import audit_events, cases
from tests.e2e.harness import Harness, Person
from tests.e2e.helpers import linked_parent

ANNE = 5801


def _codec(h: Harness) -> CallbackCodec:
    assert h.app is not None
    codec: CallbackCodec = h.app.bot_data["codec"]
    return codec


async def _forged_refusals(h: Harness) -> int:
    return len(
        [
            e
            async for e in audit_events.iterate(h.s.db.reader)
            if e.action == "button.refused" and e.details == '{"reason":"forged"}'
        ]
    )


async def _parent_with_a_request(h: Harness) -> Person:
    """Marieke, linked, with one request the school has not picked up (so it could be
    withdrawn by a real button)."""
    if await h.s.accounts.profile(ANNE) is not None:
        return h.person(ANNE, "Marieke", "nl")
    marieke = await linked_parent(h, ANNE, "Marieke de Jong", "nl")
    await marieke.tap("Wat de school vastlegt")
    await marieke.tap("Kopie van het dossier aanvragen")
    await marieke.tap("In dit gesprek")
    await marieke.tap("Verzoek versturen")
    return marieke


def _answers(h: Harness) -> list[object]:
    return [c.params.get("text") for c in h.fake.calls_to("answerCallbackQuery")]


def _withdraw_body(h: Harness) -> str:
    """A real 'withdraw request 1' button's data without its signature."""
    return _codec(h).encode(ANNE, "wdok", 1).rpartition("~")[0]


@example(tail="~ÄÖÜäöüßé")  # compare_digest(str, str) raised TypeError on this
@example(tail="~€€€€€€€€")
@example(tail="~\udcff\udcff")
@example(tail="")
@example(tail="\n")
@example(tail="~" + "a" * 80)
@settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(tail=st.text(max_size=12))
async def test_malformed_callback_data_is_refused_like_a_forged_button(
    harness: Harness, tail: str
) -> None:
    marieke = await _parent_with_a_request(harness)
    await marieke.send("/menu")
    refused_before = await _forged_refusals(harness)
    answered_before = len(_answers(harness))
    data = _withdraw_body(harness) + tail
    seen = await marieke.tap_data(data, marieke.last_with_buttons())

    assert _answers(harness)[answered_before:] == ["Deze knop werkt niet meer."]
    assert harness.fake.unanswered_callback_queries() == []
    assert "er ging bij ons iets mis" not in seen.text
    assert "Wat wilt u doen?" in seen.text  # her menu again
    assert await _forged_refusals(harness) == refused_before + 1
    row = await cases.get(harness.s.db.reader, 1)
    assert row is not None and row.status == "submitted"
