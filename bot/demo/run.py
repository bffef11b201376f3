"""The demo: a throw-away school, the real bot, the emulator and the page, in one process.

::

    demo = Demo(folder, port=8765, language="nl")
    await demo.start()      # prints nothing; see demo.url and demo.codes
    ...
    await demo.stop()

Everything the bot does is production code: ``bot.app.build_application`` with the same
handlers, outbox, jobs and persistence, polling the emulator on 127.0.0.1 instead of
Telegram. Only the clock differs: an :class:`~bot.clock.AdjustableClock` the page moves,
which the emulator's messages are dated by too.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import secrets
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from babel.dates import format_skeleton

from bot.clock import AdjustableClock
from bot.demo import tour
from bot.demo.people import PARENTS, STAFF, DemoPerson
from bot.emulator import FakeBotAPI, FakeUser
from bot.emulator.page import ChatPage, PageChat
from bot.errors import UserFacingError
from bot.i18n import (
    BABEL_LOCALES,
    N_,
    Language,
    current_language,
    format_date,
    format_time,
    gettext,
    is_language,
    use_language,
)
from bot.jobs import scheduled
from bot.jobs.schedule import step_landing
from bot.runtime import Running, running
from bot.schools.config import SchoolConfig
from bot.schools.invitations import issue_guardian_codes, issue_staff_code
from bot.schools.roster import import_roster, parse_roster
from bot.security.codes import display
from bot.services import Services
from bot.settings import Settings
from storage import job_runs, outbox

SCHOOL_FILE = "cbs-klimop.toml"
ROSTER_FILE = "roster-cbs-klimop.csv"
BOT_USERNAME = "KlimopDemoBot"
WEB = Path(__file__).resolve().parent / "web"
STEPS = {"day": timedelta(days=1), "week": timedelta(days=7)}
# What "next event" reached, as the clock bar names it (bot.jobs.scheduled.Event).
EVENTS = {
    "retention": N_("retention run"),
    "reminders": N_("reminders"),
    "overdue_summary": N_("overdue summary"),
    "digest": N_("digest"),
    "report": N_("weekly report"),
    "round_reminders": N_("consent round reminders"),
    "round_closing": N_("a consent round closes"),
}


def examples_folder() -> Path:
    """The demo school and roster: in the checkout, or where a wheel installed them."""
    candidates = [
        Path(__file__).resolve().parents[2] / "examples",
        Path(sys.prefix) / "share" / "privacyloket" / "examples",
    ]
    for folder in candidates:
        if (folder / SCHOOL_FILE).is_file() and (folder / ROSTER_FILE).is_file():
            return folder
    raise FileNotFoundError(f"the demo school ({SCHOOL_FILE}) is not installed")


def page_labels() -> dict[str, str]:
    """The page's own words, in the current language (bot.i18n)."""
    return {
        "lang": current_language(),
        "title": gettext("Privacyloket demo"),
        "intro": gettext(
            "Four people talk to the same bot. Everything runs on this computer; nothing "
            "goes to Telegram."
        ),
        "hint": gettext(
            "The parents' letters open with the QR button; the bot then asks for the date "
            "of birth of their child Zoë: 14-02-2020."
        ),
        "clock": gettext("Bot's clock"),
        "steps": gettext("Move the clock"),
        "next": gettext("Next event"),
        "day": gettext("+1 day"),
        "week": gettext("+7 days"),
        "chats": gettext("Chats"),
        "tour": gettext("Tour"),
        "tour_title": gettext("Things to try"),
        "close": gettext("Close"),
        "offline": gettext("The demo has stopped."),
        **chat_labels(),
    }


def chat_labels() -> dict[str, str]:
    """The words around a chat (like Telegram's own), in the current language: each chat
    shows them in the language of the person it belongs to."""
    return {
        "deep_link": gettext("Scan the letter's QR code"),
        "menu": gettext("Menu"),
        "placeholder": gettext("Message"),
        "send": gettext("Send"),
        "attach": gettext("File"),
        "download": gettext("Download"),
        "edited": gettext("edited"),
        "empty": gettext("No messages yet."),
        "loading": gettext("Waiting for the bot…"),
    }


class BotTime:
    """The emulator's clock (bot.emulator.clock) read from the bot's: messages are dated in
    the demo's time; waiting is real."""

    def __init__(self, clock: AdjustableClock) -> None:
        self.clock = clock

    def time(self) -> float:
        return self.clock.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Demo:
    def __init__(
        self,
        folder: Path,
        *,
        port: int = 8765,
        language: Language = "nl",
        start: datetime | None = None,
    ) -> None:
        self.folder = folder
        self.port = port
        self.language: Language = language
        self.clock = AdjustableClock(start, running=True)
        self.fake = FakeBotAPI(
            f"{secrets.randbelow(9 * 10**8) + 10**8}:{secrets.token_urlsafe(24)}",
            bot_username=BOT_USERNAME,
            bot_first_name="Privacyloket",
        )
        self.fake.clock = BotTime(self.clock)
        # The bot's clock jumps by days at a click: a tap is never too old because of that.
        self.fake.callback_query_timeout = float("inf")
        self.page = ChatPage(
            self.fake,
            [],
            WEB,
            labels=self._labels(),
            chrome=self._chrome(),
            clock=self.clock_state,
            move_clock=self.move_clock,
            stamp=self.stamp,
        )
        self.codes: dict[str, str] = {}
        """The parents' invitation codes, by name (as printed on their letters)."""
        self.services: Services | None = None
        self.bot: Running | None = None
        self._running = contextlib.AsyncExitStack()
        self.event: scheduled.Upcoming | None = None
        """What the last "next event" step reached (None after another step)."""
        self._digest_by_clock = False
        self._tour_task: asyncio.Task[None] | None = None
        self._done: dict[int, asyncio.Event] = {}
        self._handled: set[int] = set()
        self._lock = asyncio.Lock()

    def _labels(self) -> dict[str, str]:
        with use_language(self.language):
            return page_labels()

    @staticmethod
    def _chrome() -> dict[str, dict[str, str]]:
        chrome: dict[str, dict[str, str]] = {}
        for language in BABEL_LOCALES:
            with use_language(language):
                chrome[language] = chat_labels()
        return chrome

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.fake.port}/"

    @property
    def school(self) -> SchoolConfig:
        assert self.services is not None
        return next(iter(self.services.schools.values()))

    @property
    def school_id(self) -> int:
        assert self.services is not None
        return next(iter(self.services.school_by_id))

    # -- lifecycle --

    async def start(self) -> None:
        examples = examples_folder()
        await self.fake.start(port=self.port, routes=self.page.routes())
        try:
            await self._start_bot(examples)
        except BaseException:
            await self.stop()
            raise

    async def _start_bot(self, examples: Path) -> None:
        settings = Settings.model_validate(
            {
                "database": self.folder / "demo.db",
                "schools": examples / SCHOOL_FILE,
                "key_file": self.folder / "demo.key",
                "bot_token": self.fake.token,
                "bot_username": BOT_USERNAME,
                "api_base_url": self.fake.api_root,
                "log_level": "WARNING",
            }
        )
        settings.ensure_key_file()
        self.services = services = await Services.start(settings, self.clock)
        school = self.school
        rows = parse_roster((examples / ROSTER_FILE).read_bytes(), self.clock.now().date())
        await import_roster(services.db, services.keys, self.clock, school, rows)
        issued = await issue_guardian_codes(
            services.db, services.keys, self.clock, school, days=30
        )
        by_name = {i.guardian_name: i.code for i in issued}
        self.codes = {p.name: by_name[p.name] for p in PARENTS}

        self.bot = await self._running.enter_async_context(
            running(services, on_update_done=self._on_done, poll_timeout=1)
        )

        with use_language(self.language):
            for person in PARENTS:
                self.page.add(self._chat(person, self.codes[person.name]))
            staff = {person.user_id: self._chat(person, None) for person in STAFF}
        for person in STAFF:
            if person.on_page:
                self.page.add(staff[person.user_id])
            await self._link(person, staff[person.user_id].user)
        self._tour_task = asyncio.create_task(self._follow_tour())

    def _chat(self, person: DemoPerson, code: str | None) -> PageChat:
        language = person.language if person.role == "parent" else self.language
        first = person.name.split()[0]
        user = FakeUser(person.user_id, first, language)
        staff = person.role != "parent"
        tab = person.name if first.endswith(".") else first
        return PageChat(
            user, person.name, gettext(person.description), code, uploads=staff, tab=tab
        )

    async def _follow_tour(self) -> None:
        """Tick off the tour's steps as they happen: after every change the page sees."""
        while self.services is not None:
            changed = self.fake.next_change()
            done = await tour.progress(
                self.services.db.reader, digest_by_clock=self._digest_by_clock
            )
            with use_language(self.language):
                self.page.set_tour(done.items())
            await changed.wait()

    async def _link(self, person: DemoPerson, user: FakeUser) -> None:
        """The staff member opens their invitation, as after ``privacyloket staff-invite``."""
        assert self.services is not None
        issued = await issue_staff_code(
            self.services.db,
            self.services.keys,
            self.clock,
            self.school,
            name=person.name,
            role=person.role,
            groups=list(person.groups),
            days=7,
        )
        done = asyncio.Event()
        text = f"/start {issued.code}"
        if person.on_page:
            update_id = self.page.send_text(person.user_id, text, shown="/start")
        else:
            update_id = self.fake.send_text(user, text)
        self._done[update_id] = done
        async with asyncio.timeout(30):
            await done.wait()

    def _on_done(self, update_id: int) -> None:
        self._handled.add(update_id)
        event = self._done.pop(update_id, None)
        if event is not None:
            event.set()

    async def settled(self, timeout: float = 15) -> None:  # noqa: ASYNC109 - a plain limit
        """Until the bot has handled every update and delivered every message it queued
        (for code that drives the page: a tour, a test)."""
        assert self.services is not None
        async with asyncio.timeout(timeout):
            while True:
                if set(self.fake.update_ids()) <= self._handled:
                    async with self.services.db.transaction() as conn:
                        if await outbox.pending_count(conn) == 0:
                            return
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        task, self._tour_task = self._tour_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.bot = None
        await self._running.aclose()
        services, self.services = self.services, None
        if services is not None:
            await services.close()
        await self.fake.stop()

    # -- time --

    def clock_state(self) -> dict[str, str]:
        """What the clock bar shows: the bot's time (in full and short) and what the last
        "next event" step reached ("08:00 — reminders")."""
        if self.services is None:
            return {"text": "", "short": "", "event": ""}
        tz = self.school.tz
        local = self.clock.now().astimezone(tz)
        with use_language(self.language):
            event = ""
            if self.event is not None:
                what = ", ".join(gettext(EVENTS[e]) for e in self.event.events)
                event = f"{format_time(self.event.at, tz)} — {what}"
            short_day = format_skeleton("MMMEd", local, locale=BABEL_LOCALES[self.language])
            return {
                "text": f"{format_date(local.date(), 'full')}, {format_time(local, tz)}",
                "short": f"{short_day} {format_time(local, tz)}",
                "event": event,
            }

    def stamp(self, date: int, language: str | None) -> tuple[str, str]:
        """A message's time and day on the bot's clock, in the chat owner's language."""
        tz = self.school.tz
        when = datetime.fromtimestamp(date, UTC).astimezone(tz)
        today = self.clock.now().astimezone(tz).date()
        with use_language(language if is_language(language) else self.language):
            if when.date() == today:
                day = gettext("Today")
            elif when.date() == today - timedelta(days=1):
                day = gettext("Yesterday")
            else:
                day = format_date(when.date(), "full")
            return format_time(when, tz), day

    async def move_clock(self, step: str) -> None:
        """Move the bot's clock forward, then run what became due and deliver it: to the
        next moment anything is due ("next"), or by a day or a week without landing before
        the time of a job it passed over."""
        if self.services is None or self.bot is None:
            raise ValueError("the demo is not running")
        async with self._lock:
            s, now = self.services, self.clock.now()
            if step == "next":
                found = await scheduled.next_event(s.db, now, s.school_by_id)
                if found is None:
                    raise ValueError("nothing is scheduled")
                landing, self.event = found.at, found
            elif step in STEPS:
                landing = step_landing(now, STEPS[step], list(s.school_by_id.values()))
                self.event = None
            else:
                raise ValueError(f"unknown step {step!r}")
            digests = await job_runs.last_run(s.db.reader, self.school_id, "digest")
            self.clock.advance(seconds=max(0.0, (landing - now).total_seconds()))
            await scheduled.run_due(s.db, s.keys, s.cipher, self.clock, s.school_by_id)
            if await job_runs.last_run(s.db.reader, self.school_id, "digest") != digests:
                self._digest_by_clock = True
            dispatcher = self.bot.dispatcher
            await dispatcher.wake()


def run_demo(port: int, language: Language, keep: Path | None, out: TextIO) -> None:
    """``privacyloket demo``: run until SIGINT or SIGTERM, then remove everything unless
    ``keep`` names the folder to keep it in."""
    if keep is not None:
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            raise UserFacingError(f"--keep {keep}: choose a new or empty folder")
        keep.mkdir(parents=True, exist_ok=True)
        folder = keep
    else:
        folder = Path(tempfile.mkdtemp(prefix="privacyloket-demo-"))
    try:
        asyncio.run(
            serve(Demo(folder, port=port, language=language), kept=keep is not None, out=out)
        )
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


async def serve(demo: Demo, *, kept: bool, out: TextIO) -> None:
    try:
        await demo.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserFacingError(
                f"port {demo.port} is in use; choose another one with --port"
            ) from None
        raise
    try:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        _announce(demo, demo.folder, kept, out)
        await stop.wait()
        print("Stopping the demo.", file=out, flush=True)
    finally:
        await demo.stop()


def _announce(demo: Demo, folder: Path, kept: bool, out: TextIO) -> None:
    lines = [
        f"Privacyloket demo: open {demo.url} in your browser.",
        "Nothing goes to Telegram: the bot talks to an emulator on this computer.",
        "",
        "Invitation codes of the demo parents (the page's QR button opens them):",
    ]
    for person in PARENTS:
        language = "Nederlands" if person.language == "nl" else "English"
        lines.append(f"  {person.name} ({language}): {display(demo.codes[person.name])}")
    lines.append("  Date of birth of their child Zoë: 14-02-2020")
    lines.append("")
    if kept:
        lines.append(f"The demo's database and key stay in {folder}.")
    else:
        lines.append(f"The demo's database and key are in {folder}, removed when you stop.")
    lines.append("Stop with Ctrl-C.")
    print("\n".join(lines), file=out, flush=True)
