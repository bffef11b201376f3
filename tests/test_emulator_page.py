"""The emulator's chat page API (what the demo page calls), its HTML rendering, and files a
person sends: kept, downloadable by the bot (getFile) and sent on with their bytes. Each
message carries its time, each chat its owner's words, and a tapped button waits for the
bot's answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import FakeBotAPI, FakeUser, ManualClock, parse_html
from bot.emulator.page import ChatPage, PageChat
from bot.emulator.rendering import entities_to_html

PARENT = FakeUser(1001, "Marieke", "nl")
TEACHER = FakeUser(2001, "Anna", "en")
DATE = 1_793_606_400  # Monday 2 November 2026, 09:00 in Amsterdam


def stamp(date: int, language: str | None) -> tuple[str, str]:
    return f"{language}:{date - DATE}", f"day {(date - DATE) // 86_400}"


class Clock:
    def __init__(self) -> None:
        self.moves: list[str] = []

    def state(self) -> dict[str, str]:
        return {"text": f"moved {len(self.moves)}"}

    async def move(self, step: str) -> None:
        if step not in ("day", "week"):
            raise ValueError(f"unknown step {step!r}")
        self.moves.append(step)


@pytest_asyncio.fixture
async def setup(
    tmp_path: Path,
) -> AsyncIterator[tuple[FakeBotAPI, ChatPage, Clock, httpx.AsyncClient, Bot]]:
    (tmp_path / "index.html").write_text("<!doctype html><p>page</p>", encoding="utf-8")
    fake = FakeBotAPI()
    fake.clock = ManualClock(DATE)
    clock = Clock()
    page = ChatPage(
        fake,
        [PageChat(PARENT, "Marieke de Jong", "parent", start_code="CODE123")],
        tmp_path,
        labels={"send": "Versturen"},
        chrome={"nl": {"edited": "bewerkt"}, "en": {"edited": "edited"}},
        clock=clock.state,
        move_clock=clock.move,
        stamp=stamp,
    )
    page.add(PageChat(TEACHER, "Anna de Wit", "teacher", uploads=True, tab="Anna"))
    await fake.start(routes=page.routes())
    try:
        async with (
            httpx.AsyncClient(base_url=fake.api_root, timeout=5) as http,
            Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot,
        ):
            yield fake, page, clock, http, bot
    finally:
        await fake.stop()


def html_of(source: str) -> str:
    parsed = parse_html(source)
    return entities_to_html(parsed.text, parsed.entities)


def test_telegram_html_is_rebuilt_from_entities_and_everything_else_escaped() -> None:
    assert html_of("<b>Zoë</b> &lt;script&gt;") == "<b>Zoë</b> &lt;script&gt;"
    assert html_of("<b>a <i>b</i></b><u>c</u><s>d</s>") == "<b>a <i>b</i></b><u>c</u><s>d</s>"
    assert html_of("<blockquote>q</blockquote>x") == "<blockquote>q</blockquote>x"
    assert html_of("<tg-spoiler>s</tg-spoiler>") == '<span class="spoiler">s</span>'
    assert html_of("<pre>x &amp; y</pre>") == "<pre>x &amp; y</pre>"
    assert html_of("😀 <b>😀</b>") == "😀 <b>😀</b>"  # offsets in UTF-16 units
    link = html_of('<a href="https://school.example/?a=1&amp;b=2">site</a>')
    assert link.startswith('<a href="https://school.example/?a=1&amp;b=2" target="_blank"')
    assert (
        entities_to_html(
            "x", [{"type": "text_link", "offset": 0, "length": 1, "url": "javascript:alert(1)"}]
        )
        == "x"
    )


async def test_the_state_shows_what_each_person_sees_in_order(
    setup: tuple[FakeBotAPI, ChatPage, Clock, httpx.AsyncClient, Bot],
) -> None:
    fake, _page, _clock, http, bot = setup
    assert (await http.post(f"/api/chats/{PARENT.id}/start")).status_code == 200
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Nederlands", callback_data="nl")]])
    sent = await bot.send_message(
        PARENT.id, "Kies <b>uw taal</b>", parse_mode="HTML", reply_markup=markup
    )
    await bot.edit_message_text(
        "Kies <i>uw taal</i>", PARENT.id, sent.message_id, parse_mode="HTML", reply_markup=markup
    )
    await bot.set_my_commands([("menu", "Het menu")], language_code="nl")

    state = (await http.get("/api/state")).json()
    assert fake.update(fake.update_ids()[0])["message"]["text"] == "/start CODE123"
    assert [c["title"] for c in state["chats"]] == ["Marieke de Jong", "Anna de Wit"]
    parent = state["chats"][0]
    assert [(m["from"], m["html"]) for m in parent["messages"]] == [
        ("user", "/start"),
        ("bot", "Kies <i>uw taal</i>"),
    ]
    assert parent["messages"][1]["edited"] is True
    assert parent["messages"][1]["buttons"] == [[{"text": "Nederlands", "url": None}]]
    assert parent["commands"] == [{"command": "menu", "description": "Het menu"}]
    assert parent["deep_link"] is True and parent["uploads"] is False
    assert state["labels"] == {"send": "Versturen"}

    tapped = await http.post(
        f"/api/chats/{PARENT.id}/tap", json={"message_id": sent.message_id, "row": 0, "column": 0}
    )
    assert tapped.status_code == 200
    query = fake.update(fake.update_ids()[-1])["callback_query"]
    assert query["data"] == "nl"
    await bot.answer_callback_query(query["id"], "Opgeslagen")
    state = (await http.get("/api/state", params={"since": state["version"]})).json()
    assert state["chats"][0]["toasts"][0]["text"] == "Opgeslagen"

    missing = await http.post(
        f"/api/chats/{PARENT.id}/tap", json={"message_id": sent.message_id, "row": 0, "column": 5}
    )
    assert missing.status_code == 404
    assert (await http.post("/api/chats/999/text", json={"text": "hi"})).status_code == 404
    assert (await http.post(f"/api/chats/{PARENT.id}/text", json={"text": " "})).status_code == 400
    assert (await http.post(f"/api/chats/{TEACHER.id}/start")).status_code == 404


async def test_a_file_from_the_computer_reaches_the_bot_and_goes_on_to_the_parent(
    setup: tuple[FakeBotAPI, ChatPage, Clock, httpx.AsyncClient, Bot],
) -> None:
    fake, _page, _clock, http, bot = setup
    pdf = b"%PDF-1.4 dossier"
    refused = await http.post(
        f"/api/chats/{PARENT.id}/document", files={"file": ("x.pdf", pdf, "application/pdf")}
    )
    assert refused.status_code == 403
    uploaded = await http.post(
        f"/api/chats/{TEACHER.id}/document",
        files={"file": ("dossier-zoë.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 200
    document = fake.update(fake.update_ids()[-1])["message"]["document"]
    assert document["file_name"] == "dossier-zoë.pdf" and document["file_size"] == len(pdf)

    file = await bot.get_file(document["file_id"])
    assert bytes(await file.download_as_bytearray()) == pdf

    await bot.send_document(PARENT.id, document["file_id"], caption="Het dossier")
    state = (await http.get("/api/state")).json()
    sent = state["chats"][0]["messages"][-1]
    assert sent["document"]["name"] == "dossier-zoë.pdf" and sent["html"] == "Het dossier"
    download = await http.get(sent["document"]["url"])
    assert download.content == pdf
    assert "attachment" in download.headers["content-disposition"]
    teacher = state["chats"][1]["messages"]
    assert teacher[-1]["from"] == "user" and teacher[-1]["document"]["name"] == "dossier-zoë.pdf"


async def test_the_page_and_the_clock(
    setup: tuple[FakeBotAPI, ChatPage, Clock, httpx.AsyncClient, Bot],
) -> None:
    fake, _page, clock, http, _bot = setup
    index = await http.get("/")
    assert index.text.startswith("<!doctype html>")
    assert "default-src 'self'" in index.headers["content-security-policy"]
    before = (await http.get("/api/state")).json()["version"]
    moved = await http.post("/api/clock", json={"step": "week"})
    assert moved.json() == {"ok": True, "clock": {"text": "moved 1"}}
    assert (await http.post("/api/clock", json={"step": "year"})).status_code == 400
    assert clock.moves == ["week"]
    assert (await http.get("/api/state", params={"since": before})).json()["version"] > before
    assert fake.errors == []


async def test_each_message_has_its_time_and_each_chat_its_owners_words(
    setup: tuple[FakeBotAPI, ChatPage, Clock, httpx.AsyncClient, Bot],
) -> None:
    fake, page, _clock, http, bot = setup
    clock = fake.clock
    assert isinstance(clock, ManualClock)
    assert (await http.post(f"/api/chats/{TEACHER.id}/text", json={"text": "hoi"})).is_success
    clock.advance(86_400 + 60)
    await bot.send_message(TEACHER.id, "Goedemorgen")
    state = (await http.get("/api/state")).json()
    assert state["chrome"] == {"nl": {"edited": "bewerkt"}, "en": {"edited": "edited"}}
    parent, teacher = state["chats"]
    assert (parent["language"], teacher["language"]) == ("nl", "en")
    assert (parent["tab"], teacher["tab"]) == ("Marieke de Jong", "Anna")
    assert [(m["from"], m["date"], m["time"], m["day"]) for m in teacher["messages"]] == [
        ("user", DATE, "en:0", "day 0"),
        ("bot", DATE + 86_460, "en:86460", "day 1"),
    ]

    page.set_tour([{"id": "letter", "text": "Scan the letter", "done": False}])
    before = page.version
    page.set_tour([{"id": "letter", "text": "Scan the letter", "done": False}])
    assert page.version == before  # nothing new: nobody is woken
    page.set_tour([{"id": "letter", "text": "Scan the letter", "done": True}])
    assert page.version > before
    assert (await http.get("/api/state")).json()["tour"][0]["done"] is True


async def test_a_tapped_button_waits_for_the_answer_and_taps_again(
    setup: tuple[FakeBotAPI, ChatPage, Clock, httpx.AsyncClient, Bot],
) -> None:
    fake, _page, _clock, http, bot = setup
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Openen", callback_data="open")]])
    sent = await bot.send_message(PARENT.id, "Verzoek 2026-0001", reply_markup=markup)
    where = {"message_id": sent.message_id, "row": 0, "column": 0}

    first = (await http.post(f"/api/chats/{PARENT.id}/tap", json=where)).json()
    state = (await http.get("/api/state")).json()
    assert state["chats"][0]["waiting"] == [
        {"query": first["query"], "message": sent.message_id, "row": 0, "column": 0}
    ]
    assert first["version"] <= state["version"]
    second = (await http.post(f"/api/chats/{PARENT.id}/tap", json=where)).json()
    assert second["query"] != first["query"]  # a second tap is a second callback
    queries = [fake.update(u)["callback_query"]["id"] for u in fake.update_ids()]
    assert queries == [first["query"], second["query"]]

    # A silent answer (no text) ends the waiting too, and wakes the page.
    version = (await http.get("/api/state")).json()["version"]
    await bot.answer_callback_query(first["query"])
    state = (await http.get("/api/state", params={"since": version})).json()
    assert state["version"] > version
    assert [w["query"] for w in state["chats"][0]["waiting"]] == [second["query"]]
    await bot.answer_callback_query(second["query"], "Geopend")
    state = (await http.get("/api/state")).json()
    assert state["chats"][0]["waiting"] == []
    assert [t["text"] for t in state["chats"][0]["toasts"]] == ["Geopend"]
