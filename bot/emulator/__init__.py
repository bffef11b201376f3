"""A Telegram Bot API emulator: the demo (bot.demo), the end-to-end tests and the benchmark
run the real bot against it, so the tests exercise exactly what the demo shows.

The real python-telegram-bot ``Application`` polls it over real HTTP on 127.0.0.1::

    async with FakeBotAPI() as fake:
        app = Application.builder().token(fake.token).base_url(fake.base_url).build()
        ...  # add handlers, start the app and app.updater.start_polling(timeout=1)
        alice = FakeUser(id=1001)
        fake.send_command(alice, "start")
        await fake.wait_for(lambda: len(fake.messages(alice.id)) == 1)
        fake.tap(alice, fake.last_message(alice.id), "Nederlands")
        print(fake.transcript(alice.id))
        assert fake.errors == []

See :class:`FakeBotAPI` for fault injection (``fail_next``, ``hang_next``, ``latency``,
``block_user``), :mod:`.clock` for its time (``ManualClock`` in tests) and
:mod:`.telegram_html` for the HTML validator.
"""

from .clock import EmulatorClock, ManualClock, WallClock
from .models import ApiCall, FakeGroup, FakeUser, SentMessage, UploadedFile
from .server import ApiError, FakeBotAPI
from .telegram_html import HtmlParseError, ParsedText, parse_html, utf16_len

__all__ = [
    "ApiCall",
    "ApiError",
    "EmulatorClock",
    "FakeBotAPI",
    "FakeGroup",
    "FakeUser",
    "HtmlParseError",
    "ManualClock",
    "ParsedText",
    "SentMessage",
    "UploadedFile",
    "WallClock",
    "parse_html",
    "utf16_len",
]
