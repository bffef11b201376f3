"""The demo page in a real browser (Debian's chromium through Playwright): the whole walk,
through the page only, as a school would try it, on a phone, a laptop and a wide screen.

The test asserts geometry, not pixels: every chat shown has its message field in view and
wide enough to read what one types, a chat opened from its tab shows its newest message.
Screenshots of each size go to ``$DEMO_SCREENSHOTS`` (or a temporary folder, printed).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PIL import Image
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.demo.people import DIRECTOR, JAMES, MARIEKE, TEACHER, DemoPerson
from bot.demo.run import Demo
from bot.emulator import ApiCall

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A Monday morning in term time: the demo's clock starts here and runs on.
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
SIZES = {"phone": (390, 844), "laptop": (1280, 720), "wide": (1920, 1080)}
MIN_INPUT = 160
LOADING = re.compile(r"\bloading\b")

# On a developer's machine without chromium the browser test is skipped; in CI (which
# installs it, .ci/run) a missing browser fails the run instead of hiding the test.
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium"
)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    folder = tmp_path / "demo"
    folder.mkdir()
    running = Demo(folder, port=0, language="nl", start=START)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
    assert running.fake.errors == [], [(c.method, c.description) for c in running.fake.errors]
    assert running.fake.unanswered_callback_queries() == []


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


def screenshots_folder(tmp_path: Path, size: str) -> Path:
    folder = Path(os.environ.get("DEMO_SCREENSHOTS") or tmp_path / "screenshots") / size
    folder.mkdir(parents=True, exist_ok=True)
    print(f"demo screenshots ({size}): {folder}")
    return folder


def dossier_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Leerlingdossier Zoe de Jong, groep 3")
    return bytes(pdf.output())


def non_blank(png: Path) -> None:
    assert png.stat().st_size > 5_000, png
    with Image.open(png) as image:
        assert image.width >= 280 and image.height >= 400, (png, image.size)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 20, (png, colours and len(colours))


def at_least(n: int) -> re.Pattern[str]:
    """A whole number n or more (the page's version only grows, and may skip some)."""
    digits = str(n)
    more = [f"\\d{{{len(digits) + 1},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            rest = len(digits) - i - 1
            more.append(f"{digits[:i]}[{int(digit) + 1}-9]\\d{{{rest}}}")
    return re.compile(f"^(?:{digits}|{'|'.join(more)})$")


class Walk:
    """One browser window on the demo, used through the page only."""

    def __init__(self, demo: Demo, page: Page) -> None:
        self.demo = demo
        self.page = page

    def chat(self, person: DemoPerson) -> Locator:
        return self.page.locator(f'section.phone[data-chat="{person.user_id}"]')

    async def shown(self) -> None:
        """Until the page shows everything the bot has done (never a fixed wait)."""
        await self.demo.settled()
        await expect(self.page.locator("body")).to_have_attribute(
            "data-version", at_least(self.demo.fake.changes), timeout=15_000
        )

    async def act(self, action: Awaitable[Any]) -> None:
        """Do something on the page that reaches the bot; wait until the page shows its
        answer."""
        before = len(self.demo.fake.update_ids())
        await action
        async with asyncio.timeout(15):
            while len(self.demo.fake.update_ids()) == before:
                await self.demo.fake.next_change().wait()
        await self.shown()

    async def open(self, person: DemoPerson) -> Locator:
        """Bring a person's chat into view: on a phone through its tab, and then the newest
        message is in view (also when messages came while the chat was hidden)."""
        phone = self.chat(person)
        tab = self.page.locator(f'.tabs button[data-tab="{person.user_id}"]')
        if await tab.is_visible():
            await tab.click()
            await expect(phone).to_be_visible()
            await self.newest_in_view(phone)
        return phone

    async def say(self, person: DemoPerson, text: str) -> None:
        phone = await self.open(person)
        await phone.locator("textarea").fill(text)
        await self.act(phone.locator("button.send").click())

    def button(self, phone: Locator, label: str) -> Locator:
        exact = re.compile(f"^{re.escape(label)}$")
        return phone.locator(".keyboard button", has_text=exact).last

    async def tap(self, person: DemoPerson, label: str) -> None:
        """Tap the newest inline button with exactly this label."""
        phone = await self.open(person)
        await self.act(self.button(phone, label).click())

    async def sees(self, person: DemoPerson, text: str) -> None:
        await expect(self.chat(person).locator(".messages")).to_contain_text(text, timeout=15_000)

    async def onboard(self, person: DemoPerson) -> None:
        phone = await self.open(person)
        await self.act(phone.locator("button.deep-link").click())
        await self.say(person, "14-02-2020")
        await self.tap(person, "Nederlands" if person.language == "nl" else "English")

    async def step(self, step: str) -> str:
        """Move the bot's clock from the page; returns what the clock bar says it reached."""
        button = self.page.locator(f"[data-step={step}]")
        if not await button.is_visible():
            await self.page.locator("#steps-toggle").click()
        async with self.page.expect_response("**/api/clock"):
            await button.click()
        await self.shown()
        return await self.page.locator("#event").text_content() or ""

    async def newest_in_view(self, phone: Locator) -> None:
        if not await phone.locator(".messages .item").count():
            return  # nothing in the chat yet
        newest = phone.locator(".messages .item").last
        await expect(newest).to_be_visible()
        box = await newest.bounding_box()
        shown = await phone.locator(".messages").bounding_box()
        assert box is not None and shown is not None
        viewport = self.page.viewport_size
        assert viewport is not None
        bottom = box["y"] + box["height"]
        assert shown["y"] - 1 <= bottom <= shown["y"] + shown["height"] + 1, (box, shown)
        assert 0 <= bottom <= viewport["height"] + 1, (box, viewport)

    async def geometry(self) -> None:
        """Every chat shown has its message field inside the window and at least 160 px
        wide; on a phone exactly one chat is shown."""
        viewport = self.page.viewport_size
        assert viewport is not None
        visible = 0
        for phone in await self.page.locator("section.phone").all():
            if not await phone.is_visible():
                continue
            visible += 1
            box = await phone.locator("textarea").bounding_box()
            assert box is not None
            name = await phone.get_attribute("aria-label")
            assert box["width"] >= MIN_INPUT, (name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (name, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (name, box)
        assert visible == (1 if viewport["width"] <= 700 else 4), visible


def callbacks_on(demo: Demo, chat_id: int, message_id: int) -> int:
    count = 0
    for update_id in demo.fake.update_ids():
        query = demo.fake.update(update_id).get("callback_query")
        if query and query["message"]["chat"]["id"] == chat_id:
            count += query["message"]["message_id"] == message_id
    return count


@pytest.mark.parametrize("size", list(SIZES))
async def test_the_whole_walk_through_the_page(
    demo: Demo, browser: Browser, tmp_path: Path, size: str
) -> None:
    width, height = SIZES[size]
    context = await browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(demo.url)
    walk = Walk(demo, page)
    await walk.shown()
    folder = screenshots_folder(tmp_path, size)

    # The tour is open at first: seven things to try, none done yet; it closes.
    tour = page.locator("#tour")
    await expect(tour).to_be_visible()
    await expect(tour.locator("li")).to_have_count(7)
    await expect(tour.locator("li.done")).to_have_count(0)
    await page.screenshot(path=folder / "1-start.png")
    await page.locator("#tour-close").click()
    await expect(tour).to_be_hidden()
    await walk.geometry()
    await walk.sees(TEACHER, "Anna de Wit")

    # The Dutch parent scans the letter, proves who she is and asks for a copy.
    await walk.onboard(MARIEKE)
    await walk.tap(MARIEKE, "Wat de school vastlegt")
    await walk.tap(MARIEKE, "Kopie van het dossier aanvragen")
    await walk.tap(MARIEKE, "In dit gesprek")
    await walk.tap(MARIEKE, "Verzoek versturen")
    await walk.sees(MARIEKE, "2026-0001")

    # The teacher hears of it. The button under the notice taps like Telegram's: twice
    # is two callbacks (the bot decides what a second tap does).
    teacher = await walk.open(TEACHER)
    await walk.sees(TEACHER, "Nieuw verzoek 2026-0001")
    notice = demo.fake.last_message(TEACHER.user_id)
    open_case = walk.button(teacher, "Verzoek 2026-0001 openen")
    await walk.act(open_case.click())
    await expect(open_case).not_to_have_class(LOADING)
    # While the bot has not answered the second tap, the button shows that it waits.
    answer = asyncio.Event()

    async def slow_answer(call: ApiCall, when: str) -> bool:
        if call.method == "answerCallbackQuery" and when == "before":
            await answer.wait()
        return False

    demo.fake.intercept = slow_answer
    await open_case.click()
    await expect(open_case).to_have_class(LOADING)
    await expect(open_case).to_be_enabled()
    demo.fake.intercept = None
    answer.set()
    await walk.shown()
    await expect(open_case).not_to_have_class(LOADING)
    assert callbacks_on(demo, TEACHER.user_id, notice.message_id) == 2
    await walk.geometry()

    # She takes it on, attaches the PDF from the computer and answers.
    await walk.tap(TEACHER, "In behandeling nemen")
    await walk.tap(TEACHER, "Kopie toevoegen")
    pdf = tmp_path / "dossier-zoe.pdf"
    pdf.write_bytes(dossier_pdf())
    await walk.act(teacher.locator("input[type=file]").set_input_files(pdf))
    await walk.sees(TEACHER, "Toegevoegd: dossier-zoe.pdf")
    await walk.tap(TEACHER, "Beantwoorden en afsluiten")
    await walk.say(TEACHER, "Hierbij de kopie van het dossier van Zoë.")
    await walk.tap(TEACHER, "Bevestigen")

    # The parent receives the outcome and the document, and downloads it.
    marieke = await walk.open(MARIEKE)
    await walk.sees(MARIEKE, "Hierbij de kopie van het dossier van Zoë.")
    document = marieke.locator("[data-download='dossier-zoe.pdf']")
    await expect(document).to_be_visible(timeout=15_000)
    async with page.expect_download() as download_info:
        await document.click()
    download = await download_info.value
    saved = tmp_path / "downloaded.pdf"
    await download.save_as(saved)
    assert saved.read_bytes() == pdf.read_bytes()
    await walk.tap(MARIEKE, "Ik heb de documenten ontvangen")

    # The English parent: his chat's own words are English, each bubble has its time.
    await walk.onboard(JAMES)
    james = walk.chat(JAMES)
    await expect(james.locator("textarea")).to_have_attribute("placeholder", "Message")
    await expect(james.locator(".day").first).to_have_text("Today")
    await expect(james.locator(".msg time").last).to_have_text(re.compile(r"^\d\d:\d\d$"))
    await expect(walk.chat(MARIEKE).locator(".day").first).to_have_text("Vandaag")
    # He gives photo consent for the school website: a task for the teacher.
    await walk.tap(JAMES, "Photo consent")
    website = james.locator(".keyboard button", has_text="School website").last
    await walk.act(website.click())
    await walk.tap(JAMES, "Review my changes")
    await walk.tap(JAMES, "Confirm")
    await walk.sees(TEACHER, "Taak fototoestemming 2026-0002")

    # He asks for a deletion; the head teacher refuses it (still needed), with the
    # parent's words still in view while he writes the reason.
    await walk.say(JAMES, "/menu")
    await walk.tap(JAMES, "Delete data")
    await walk.tap(JAMES, "☐ Progress and marks")
    await walk.tap(JAMES, "Next")
    await walk.say(JAMES, "Please delete the marks of last year.")
    await walk.tap(JAMES, "Send request")
    await walk.sees(DIRECTOR, "Nieuw verzoek 2026-0003")
    await walk.tap(DIRECTOR, "Verzoek 2026-0003 openen")
    await walk.tap(DIRECTOR, "In behandeling nemen")
    await walk.tap(DIRECTOR, "Afwijzen")
    await walk.tap(DIRECTOR, "Nog nodig voor het onderwijs aan het kind")
    director = walk.chat(DIRECTOR)
    card = director.locator(".msg", has_text="Please delete the marks of last year.").last
    await expect(card).to_be_visible()
    await walk.say(DIRECTOR, "Zoë zit nog op school; wij hebben de cijfers nog nodig.")
    await walk.tap(DIRECTOR, "Bevestigen")
    await walk.sees(JAMES, "Zoë zit nog op school; wij hebben de cijfers nog nodig.")

    # A week on, then "next event" until the reminders: the photo-consent task (five school
    # days) is overdue, the teacher is reminded and the head teacher gets the summary.
    await walk.step("week")
    reached = [await walk.step("next") for _ in range(3)]
    assert [r.split(" — ")[0] for r in reached] == ["03:15", "07:30", "08:00"], reached
    assert reached[0].endswith("opschonen volgens de bewaartermijnen"), reached
    assert reached[1].endswith("privacyoverzicht"), reached
    assert "herinneringen" in reached[2] and "te late verzoeken" in reached[2], reached
    await page.screenshot(path=folder / "2-next-event.png")
    if width <= 700:  # the steps in their small menu, with what the last one reached
        await page.locator("#steps-toggle").click()
        await expect(page.locator("#event-full")).to_have_text(reached[2])
        await page.screenshot(path=folder / "2-steps-menu.png")
        await page.locator("#steps-toggle").click()
    await walk.sees(TEACHER, "Te laat: verzoek 2026-0002")
    await walk.sees(DIRECTOR, "1 verzoek is te laat")
    await expect(page.locator("#clock-short")).to_contain_text("08:00")

    # "+1 day" keeps the time of day: 08:00, so the next day's reminders come too.
    await walk.step("day")
    await expect(page.locator("#clock-short")).to_contain_text("08:0")
    await walk.sees(TEACHER, "2 dagen geleden")

    # Every step of the tour happened.
    await page.locator("#tour-toggle").click()
    await expect(tour.locator("li.done")).to_have_count(7, timeout=15_000)
    await page.screenshot(path=folder / "2-tour-done.png")
    await page.locator("#tour-close").click()

    # At the end: every chat in view with its newest message, the inputs usable.
    await walk.geometry()
    for person in (MARIEKE, JAMES, TEACHER, DIRECTOR):
        await walk.newest_in_view(await walk.open(person))
    for person, name in (
        (MARIEKE, "parent-nl"),
        (JAMES, "parent-en"),
        (TEACHER, "teacher"),
        (DIRECTOR, "director"),
    ):
        phone = await walk.open(person)
        await phone.screenshot(path=folder / f"{name}.png")
        non_blank(folder / f"{name}.png")
    await page.screenshot(path=folder / "3-end.png")
    non_blank(folder / "3-end.png")
    assert errors == []
    await context.close()
