"""An update python-telegram-bot cannot parse (a poll from another Bot API version), in a
batch with other parents' messages: set aside, counted and logged by id and type only; the
rest of the batch is stored and answered in order; nothing of any update's content reaches
a log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.app import intake_of
from bot.cli.logs import configure_logging
from handlers.intake import UNREADABLE
from storage import inbox
from tests.e2e.harness import Harness

QUESTION = "Wie komt er op het verjaardagsfeest van Sanne Bakker?"
SECRET_TEXT = "Mijn dochter Zoë heeft astma, Kerkstraat 12"
SECRET_NAME = "Henriëtte Geheimnaam"


@pytest.fixture
def product_logging() -> Iterator[None]:
    """The most talkative logging the product allows (LOG_LEVEL=DEBUG), restored after."""
    names = ("", "telegram", "httpx", "httpcore", "aiosqlite", "apscheduler", "fontTools")
    saved = {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG")
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _poll_message(user_id: int, first_name: str, message_id: int) -> dict[str, object]:
    """A message with a poll as an older Bot API sent it: options without voter counts."""
    return {
        "message": {
            "message_id": message_id,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "date": 1_790_000_000,
            "poll": {
                "id": "5210000000000000001",
                "question": QUESTION,
                "options": [{"text": "Ik, met Zoë"}, {"text": "Niet"}],
                "is_closed": False,
            },
        }
    }


async def test_an_unreadable_update_is_set_aside_and_the_batch_is_answered(
    harness: Harness, caplog: pytest.LogCaptureFixture, product_logging: None
) -> None:
    fake = harness.fake
    anna = harness.person(5901, SECRET_NAME, "nl")
    bram = harness.person(5902, "Bram", "en")
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        # One batch: the intake is waiting in a long poll and takes all of it at once.
        first = fake.send_text(anna.user, "/help")
        unreadable = fake.inject(_poll_message(anna.id, SECRET_NAME, 900))
        second = fake.send_text(anna.user, SECRET_TEXT)
        other = fake.send_text(bram.user, "/help")
        for update_id in (first, unreadable, second, other):
            await harness.wait_processed(update_id)
        await fake.wait_for(lambda: fake.pending_updates() == [])

    # Everyone else is answered, Anna's messages in the order she sent them.
    said = [m.text for m in anna.messages]
    assert len(said) == 2
    assert "regelt u uw privacyrechten" in said[0] and "/start" in said[1]
    assert "/start" in "\n".join(m.text for m in bram.messages)
    # Set aside: recorded as failed (without content), counted, fetched once.
    assert await inbox.failed(harness.s.db.reader) == [(unreadable, UNREADABLE)]
    assert await inbox.pending(harness.s.db.reader) == []
    assert intake_of(harness.app).unreadable == 1  # type: ignore[arg-type]
    assert harness.times_processed(unreadable) == 1

    # The log names the update by id and type, and nothing of what anyone wrote.
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    lines = [r.getMessage() for r in caplog.records]
    assert f"update {unreadable} (message) could not be read (TypeError); set aside" in lines
    logged = caplog.text
    for secret in (QUESTION, "Sanne", "Ik, met Zoë", SECRET_TEXT, "astma", SECRET_NAME, "Henri"):
        assert secret not in logged, secret
