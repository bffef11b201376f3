"""Tests of the fake Telegram Bot API: the HTML validator, the HTTP surface (checked with httpx
against Telegram's error formats) and end-to-end use by python-telegram-bot's Bot and
Application."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import (
    FakeBotAPI,
    FakeUser,
    HtmlParseError,
    ManualClock,
    SentMessage,
    parse_html,
    utf16_len,
)
from bot.emulator.server import BLOCKED, CHAT_NOT_FOUND, NOT_MODIFIED, QUERY_TOO_OLD
from bot.emulator.telegram_html import checked_link

ALICE = FakeUser(id=1001, first_name="Alice", username="alice")
BOB = FakeUser(id=1002, first_name="Bob", language_code="en")


# ---------------------------------------------------------------------------------------------
# fixtures and helpers
# ---------------------------------------------------------------------------------------------
@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


@pytest_asyncio.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


def url(fake: FakeBotAPI, method: str, token: str | None = None) -> str:
    return f"{fake.base_url}{token or fake.token}/{method}"


async def call(
    http: httpx.AsyncClient, fake: FakeBotAPI, method: str, **params: Any
) -> httpx.Response:
    """POST form data exactly like PTB does: str values raw, everything else JSON-encoded."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return await http.post(url(fake, method), data=data)


def error(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return response.status_code, body["description"]


def keyboard(*rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]}


# ---------------------------------------------------------------------------------------------
# HTML validation (telegram_html)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain", "plain", []),
        ("a &amp; b &lt;c&gt; &quot;q&quot;", 'a & b <c> "q"', []),
        ("&#65;&#x42;&#x1F600;", "AB😀", []),
        ("Tom & Jerry; R&D", "Tom & Jerry; R&D", []),  # a bare & is fine
        ("&amp", "&", []),  # entity without ';' is decoded, as tdlib does
        (
            "<b>bold <i>both</i></b> none",
            "bold both none",
            [
                {"type": "bold", "offset": 0, "length": 9},
                {"type": "italic", "offset": 5, "length": 4},
            ],
        ),
        ("<B>x</B>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        ("<b>x</>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        ("<b></b>x", "x", []),  # empty entities are dropped
        ("😀<b>é</b>", "😀é", [{"type": "bold", "offset": 2, "length": 1}]),
        (
            '<a href="https://example.org/?a=1&amp;b=2">link</a>',
            "link",
            [
                {
                    "type": "text_link",
                    "offset": 0,
                    "length": 4,
                    "url": "https://example.org/?a=1&b=2",
                }
            ],
        ),
        (
            "<a href='https://example.org/?a=1&b=2'>x</a>",
            "x",
            [
                {
                    "type": "text_link",
                    "offset": 0,
                    "length": 1,
                    "url": "https://example.org/?a=1&b=2",
                }
            ],
        ),
        (
            "<a href=telegram.org>t</a>",
            "t",
            [{"type": "text_link", "offset": 0, "length": 1, "url": "http://telegram.org/"}],
        ),
        ("<a href=as>t</a>", "t", []),  # uncheckable link: text kept, link silently dropped
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
        ),
        (
            "<pre><code>x</code></pre>",
            "x",
            [
                {"type": "pre", "offset": 0, "length": 1},
                {"type": "code", "offset": 0, "length": 1},
            ],
        ),
        ("<code>a&lt;b</code>", "a<b", [{"type": "code", "offset": 0, "length": 3}]),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [
                {"type": "spoiler", "offset": 0, "length": 1},
                {"type": "spoiler", "offset": 1, "length": 1},
            ],
        ),
        (
            "<blockquote>q</blockquote><blockquote expandable>e</blockquote>",
            "qe",
            [
                {"type": "blockquote", "offset": 0, "length": 1},
                {"type": "expandable_blockquote", "offset": 1, "length": 1},
            ],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [
                {
                    "type": "custom_emoji",
                    "offset": 0,
                    "length": 2,
                    "custom_emoji_id": "5368324170671202286",
                }
            ],
        ),
        (
            "<u>u</u><ins>i</ins><s>s</s><strike>k</strike><del>d</del><em>e</em><strong>g</strong>",
            "uiskdeg",
            [
                {"type": "underline", "offset": 0, "length": 1},
                {"type": "underline", "offset": 1, "length": 1},
                {"type": "strikethrough", "offset": 2, "length": 1},
                {"type": "strikethrough", "offset": 3, "length": 1},
                {"type": "strikethrough", "offset": 4, "length": 1},
                {"type": "italic", "offset": 5, "length": 1},
                {"type": "bold", "offset": 6, "length": 1},
            ],
        ),
        # attribute syntax variations accepted by Telegram (from tdlib's own tests)
        (
            "🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>",
            "🏟 🏟<a",
            [{"type": "italic", "offset": 6, "length": 1}],
        ),
        (
            "🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;'>a</>",
            "🏟 🏟<a",
            [{"type": "italic", "offset": 6, "length": 1}],
        ),
        ("🏟 🏟&lt;<i>a</i   >", "🏟 🏟<a", [{"type": "italic", "offset": 6, "length": 1}]),
        (
            "<i><b> </b> <code> </code></i>",
            "   ",
            [
                {"type": "italic", "offset": 0, "length": 3},
                {"type": "bold", "offset": 0, "length": 1},
                {"type": "code", "offset": 2, "length": 1},
            ],
        ),
        (
            "<code><i><b> </b></i></code>",
            " ",
            [
                {"type": "code", "offset": 0, "length": 1},
                {"type": "bold", "offset": 0, "length": 1},
                {"type": "italic", "offset": 0, "length": 1},
            ],
        ),
    ],
)
def test_html_valid(source: str, text: str, entities: list[dict[str, Any]]) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    assert parsed.entities == entities


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</i>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("I <3 you", 'Unsupported start tag "3" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("Hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b/>", 'Unsupported start tag "b/" at byte offset 0'),
        ("<!-- c -->", 'Unsupported start tag "!--" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ("<a href", 'Unclosed start tag "a" at byte offset 0'),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        # tdlib's own test vectors (byte offsets count UTF-8 bytes: 🏟 is 4 bytes)
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            "🏟 🏟&lt;<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
        (
            "&#57311;",
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units",
        ),
    ],
)
def test_html_invalid(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(source)
    assert info.value.message == message
    assert info.value.description == f"Bad Request: can't parse entities: {message}"


@pytest.mark.parametrize("source", ["&foo;", "a &nbsp; b", "&LT;", "<a href='x&bogus;'>y</a>"])
def test_html_unknown_named_entity_is_rejected(source: str) -> None:
    with pytest.raises(HtmlParseError, match="Unsupported HTML entity"):
        parse_html(source)


def test_html_lenient_entities_match_telegram() -> None:
    # Telegram keeps unknown entities literally; the fake only does so when asked to.
    parsed = parse_html("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", strict_entities=False)
    assert parsed.text == '<>&"&laquo;&raquo;&#12345678;'


def test_utf16_len_and_links() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1
    assert checked_link("https://telegram.dog?") == "https://telegram.dog/?"
    assert checked_link("telegram.org ") is None
    assert checked_link("tg://user?id=1") == "tg://user?id=1"


# ---------------------------------------------------------------------------------------------
# HTTP surface, checked with httpx
# ---------------------------------------------------------------------------------------------
async def test_urls(fake: FakeBotAPI) -> None:
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/bot"
    assert fake.base_file_url == f"http://127.0.0.1:{fake.port}/file/bot"
    assert fake.api_root == f"http://127.0.0.1:{fake.port}"


async def test_wrong_token_and_unknown_method(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    r = await http.post(url(fake, "getMe", token="999:WRONG"))
    assert r.status_code == 401
    assert r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    r = await http.post(url(fake, "sendTelepathy"))
    assert r.status_code == 404
    assert r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert [c.method for c in fake.errors] == ["getMe", "sendTelepathy"]


async def test_method_names_are_case_insensitive_get_and_post(
    fake: FakeBotAPI, http: httpx.AsyncClient
) -> None:
    for method in ("getMe", "GETME", "getme"):
        r = await http.get(url(fake, method))
        assert r.status_code == 200
        me = r.json()["result"]
        assert me["is_bot"] is True
        assert me["username"] == "PrivacyloketTestBot"
        assert me["id"] == 123456
    assert {c.method for c in fake.calls} == {"getMe"}
    assert {c.http_method for c in fake.calls} == {"GET"}


async def test_query_string_json_body_and_form(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    r = await http.get(url(fake, "sendMessage"), params={"chat_id": "1001", "text": "123"})
    assert r.status_code == 200
    assert r.json()["result"]["text"] == "123"  # string params are not JSON-decoded

    r = await http.post(
        url(fake, "sendMessage"),
        json={"chat_id": 1001, "text": "json", "reply_markup": keyboard([("A", "a")])},
    )
    assert r.status_code == 200
    assert r.json()["result"]["reply_markup"] == keyboard([("A", "a")])

    r = await call(http, fake, "sendMessage", chat_id=1001, text="form", disable_notification=True)
    assert r.status_code == 200
    assert fake.calls[-1].params == {"chat_id": 1001, "text": "form", "disable_notification": True}
    assert [m.text for m in fake.messages(1001)] == ["123", "json", "form"]
    assert [m.message_id for m in fake.messages(1001)] == [1, 2, 3]


async def test_send_message_result_object(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    r = await call(
        http,
        fake,
        "sendMessage",
        chat_id=1001,
        text="<b>Hoi</b> Alice",
        parse_mode="HTML",
        reply_markup=keyboard([("Ja", "yes"), ("Nee", "no")]),
    )
    result = r.json()["result"]
    assert result["message_id"] == 1
    assert isinstance(result["date"], int)
    assert result["chat"] == {
        "id": 1001,
        "type": "private",
        "first_name": "Alice",
        "username": "alice",
    }
    assert result["from"]["is_bot"] is True
    assert result["text"] == "Hoi Alice"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    msg = fake.last_message(1001)
    assert msg.html == "<b>Hoi</b> Alice"
    assert msg.text == "Hoi Alice"
    assert msg.buttons == [[("Ja", "yes"), ("Nee", "no")]]
    assert fake.button_texts(msg) == ["Ja", "Nee"]


async def test_chat_not_found(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    r = await call(http, fake, "sendMessage", chat_id=4242, text="hello?")
    assert error(r) == (400, CHAT_NOT_FOUND)
    assert len(fake.errors) == 1
    assert fake.errors[0].params["chat_id"] == 4242


async def test_text_empty_and_length_limits(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    empty = (400, "Bad Request: message text is empty")
    too_long = (400, "Bad Request: message is too long")
    assert error(await call(http, fake, "sendMessage", chat_id=1001, text="")) == empty
    assert error(await call(http, fake, "sendMessage", chat_id=1001, text=" \n ")) == empty
    assert error(await call(http, fake, "sendMessage", chat_id=1001)) == empty
    r = await call(http, fake, "sendMessage", chat_id=1001, text="<b></b>", parse_mode="HTML")
    assert error(r) == empty

    assert (await call(http, fake, "sendMessage", chat_id=1001, text="a" * 4096)).is_success
    assert error(await call(http, fake, "sendMessage", chat_id=1001, text="a" * 4097)) == too_long
    # limits count UTF-16 code units: an emoji counts twice
    assert (await call(http, fake, "sendMessage", chat_id=1001, text="😀" * 2048)).is_success
    r = await call(http, fake, "sendMessage", chat_id=1001, text="😀" * 2049)
    assert error(r) == too_long
    # ... and are applied after entity parsing
    tagged = "<b>" + "a" * 4096 + "</b>"
    r = await call(http, fake, "sendMessage", chat_id=1001, text=tagged, parse_mode="HTML")
    assert r.is_success
    r = await call(http, fake, "sendMessage", chat_id=1001, text="&amp;" * 4097, parse_mode="HTML")
    assert error(r) == too_long
    assert len(fake.messages(1001)) == 3
    assert len(fake.errors) == 7


async def test_html_errors_over_http(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    r = await call(
        http, fake, "sendMessage", chat_id=1001, text="Hello <foo>x</foo>", parse_mode="HTML"
    )
    assert error(r) == (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 6',
    )
    r = await call(http, fake, "sendMessage", chat_id=1001, text="<b>x", parse_mode="HTML")
    assert error(r) == (
        400,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    )
    r = await call(http, fake, "sendMessage", chat_id=1001, text="x", parse_mode="XML")
    assert error(r) == (400, "Bad Request: unsupported parse_mode")
    # without parse_mode the same text is fine and shown literally
    r = await call(http, fake, "sendMessage", chat_id=1001, text="<b>x")
    assert r.json()["result"]["text"] == "<b>x"
    assert fake.last_message(1001).html == "&lt;b&gt;x"


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        (keyboard([("A", "x" * 65)]), "Bad Request: BUTTON_DATA_INVALID"),
        (keyboard([("A", "é" * 33)]), "Bad Request: BUTTON_DATA_INVALID"),  # 66 bytes
        (keyboard([("A", "")]), "Bad Request: BUTTON_DATA_INVALID"),
        (
            {"inline_keyboard": [[{"text": "A"}]]},
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
            "inline keyboard",
        ),
        (keyboard([("", "a")]), "Bad Request: BUTTON_TEXT_INVALID"),
        (
            {"inline_keyboard": [[{"callback_data": "a"}]]},
            "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
        ),
        (
            {"inline_keyboard": [{"text": "A", "callback_data": "a"}]},
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array '
            "of Arrays",
        ),
        (
            {"inline_keyboard": [[{"text": "A", "callback_data": "a", "url": "https://x.nl"}]]},
            "Bad Request: can't parse inline keyboard button: exactly one of the optional fields "
            "must be used, got ['callback_data', 'url']",
        ),
        ({"inline_keyboard": [[{"text": "A", "url": "nope"}]]}, "Bad Request: BUTTON_URL_INVALID"),
        ({"something": 1}, "Bad Request: can't parse reply keyboard markup JSON object"),
    ],
)
async def test_reply_markup_validation(
    fake: FakeBotAPI, http: httpx.AsyncClient, markup: dict[str, Any], description: str
) -> None:
    fake.add_chat(ALICE)
    r = await call(http, fake, "sendMessage", chat_id=1001, text="t", reply_markup=markup)
    assert error(r) == (400, description)
    assert fake.messages(1001) == []


async def test_reply_markup_kinds(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    ok = keyboard([("A", "é" * 32)])  # exactly 64 bytes
    r = await call(http, fake, "sendMessage", chat_id=1001, text="inline", reply_markup=ok)
    assert r.json()["result"]["reply_markup"] == ok
    reply_kb = {"keyboard": [["Ja", {"text": "Nee"}]], "one_time_keyboard": True}
    r = await call(http, fake, "sendMessage", chat_id=1001, text="reply", reply_markup=reply_kb)
    assert "reply_markup" not in r.json()["result"]  # Telegram only echoes inline keyboards
    remove = {"remove_keyboard": True}
    r = await call(http, fake, "sendMessage", chat_id=1001, text="remove", reply_markup=remove)
    assert r.is_success
    force = {"force_reply": True, "input_field_placeholder": "Naam"}
    r = await call(http, fake, "sendMessage", chat_id=1001, text="force", reply_markup=force)
    assert r.is_success
    first, second, third, fourth = fake.messages(1001)
    assert first.buttons == [[("A", "é" * 32)]]
    assert second.reply_markup == reply_kb
    assert second.buttons == [[("Ja", None), ("Nee", None)]]
    assert third.reply_markup == remove and third.buttons == []
    assert fourth.reply_markup == force
    assert fake.errors == []


async def test_edit_message_text(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    kb = keyboard([("A", "a")])
    await call(http, fake, "sendMessage", chat_id=1001, text="v1", reply_markup=kb)

    r = await call(
        http, fake, "editMessageText", chat_id=1001, message_id=1, text="v1", reply_markup=kb
    )
    assert error(r) == (400, NOT_MODIFIED)
    r = await call(
        http,
        fake,
        "editMessageText",
        chat_id=1001,
        message_id=1,
        text="<i>v2</i>",
        parse_mode="HTML",
        reply_markup=kb,
    )
    assert r.is_success
    assert r.json()["result"]["edit_date"] > 0
    msg = fake.messages(1001)[0]
    assert (msg.text, msg.html, msg.edits, msg.history) == ("v2", "<i>v2</i>", 1, ["v1"])
    assert msg.buttons == [[("A", "a")]]

    # same plain text but different formatting is a modification
    r = await call(http, fake, "editMessageText", chat_id=1001, message_id=1, text="v2")
    assert r.is_success
    # no reply_markup in an edit removes the inline keyboard, as in Telegram
    assert msg.reply_markup is None and msg.edits == 2

    r = await call(http, fake, "editMessageText", chat_id=1001, message_id=99, text="x")
    assert error(r) == (400, "Bad Request: message to edit not found")
    r = await call(http, fake, "editMessageText", chat_id=1001, message_id=1, text="")
    assert error(r) == (400, "Bad Request: message text is empty")


async def test_edit_reply_markup_and_delete(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    kb = keyboard([("A", "a")])
    await call(http, fake, "sendMessage", chat_id=1001, text="t", reply_markup=kb)
    r = await call(
        http, fake, "editMessageReplyMarkup", chat_id=1001, message_id=1, reply_markup=kb
    )
    assert error(r) == (400, NOT_MODIFIED)
    kb2 = keyboard([("B", "b")], [("C", "c")])
    r = await call(
        http, fake, "editMessageReplyMarkup", chat_id=1001, message_id=1, reply_markup=kb2
    )
    assert r.json()["result"]["reply_markup"] == kb2
    r = await call(http, fake, "editMessageReplyMarkup", chat_id=1001, message_id=1)
    assert r.is_success
    assert fake.messages(1001)[0].reply_markup is None
    r = await call(http, fake, "editMessageReplyMarkup", chat_id=1001, message_id=1)
    assert error(r) == (400, NOT_MODIFIED)

    assert (await call(http, fake, "deleteMessage", chat_id=1001, message_id=1)).is_success
    assert fake.messages(1001)[0].deleted
    r = await call(http, fake, "deleteMessage", chat_id=1001, message_id=1)
    assert error(r) == (400, "Bad Request: message to delete not found")
    r = await call(http, fake, "deleteMessage", chat_id=1001, message_id=77)
    assert error(r) == (400, "Bad Request: message to delete not found")
    r = await call(http, fake, "editMessageText", chat_id=1001, message_id=1, text="zombie")
    assert error(r) == (400, "Bad Request: message to edit not found")
    with pytest.raises(LookupError):
        fake.last_message(1001)


async def test_callback_queries(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    kb = keyboard([("Nederlands", "lang:nl"), ("English", "lang:en")])
    await call(http, fake, "sendMessage", chat_id=1001, text="Taal?", reply_markup=kb)
    msg = fake.last_message(1001)

    update_id, query_id = fake.tap(ALICE, msg, "English")
    _, forged_id = fake.tap(ALICE, msg.message_id, data="lang:xx")
    assert fake.unanswered_callback_queries() == [query_id, forged_id]
    with pytest.raises(LookupError):
        fake.tap(ALICE, msg, "Deutsch")
    with pytest.raises(LookupError):
        fake.tap(ALICE, 99, "English")

    updates = (await call(http, fake, "getUpdates")).json()["result"]
    assert [u["update_id"] for u in updates] == [update_id, update_id + 1]
    cq = updates[0]["callback_query"]
    assert cq["id"] == query_id
    assert cq["data"] == "lang:en"
    assert cq["from"]["id"] == 1001
    assert cq["message"]["message_id"] == msg.message_id
    assert updates[1]["callback_query"]["data"] == "lang:xx"

    r = await call(http, fake, "answerCallbackQuery", callback_query_id=query_id, text="OK!")
    assert r.json() == {"ok": True, "result": True}
    assert fake.callback_answer(query_id) == {"callback_query_id": query_id, "text": "OK!"}
    r = await call(http, fake, "answerCallbackQuery", callback_query_id=query_id)
    assert error(r) == (400, QUERY_TOO_OLD)
    r = await call(http, fake, "answerCallbackQuery", callback_query_id="12345")
    assert error(r) == (400, QUERY_TOO_OLD)
    assert fake.unanswered_callback_queries() == [forged_id]

    clock = fake.clock = ManualClock()
    _, late_id = fake.tap(ALICE, msg, "Nederlands")
    clock.advance(15)
    _, later_id = fake.tap(ALICE, msg, "Nederlands")
    r = await call(http, fake, "answerCallbackQuery", callback_query_id=late_id)
    assert r.is_success  # 15 s is still in time
    clock.advance(15.5)
    r = await call(http, fake, "answerCallbackQuery", callback_query_id=later_id)
    assert error(r) == (400, QUERY_TOO_OLD)
    assert later_id in fake.unanswered_callback_queries()


async def test_blocked_user(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    fake.block_user(1001)
    r = await call(http, fake, "sendMessage", chat_id=1001, text="still there?")
    assert error(r) == (403, BLOCKED)
    r = await call(http, fake, "sendChatAction", chat_id=1001, action="typing")
    assert error(r) == (403, BLOCKED)
    assert fake.messages(1001) == []
    assert fake.errors == []  # the user's choice, not the bot's mistake
    assert fake.calls[-1].fault == "blocked"
    fake.unblock_user(1001)
    assert (await call(http, fake, "sendMessage", chat_id=1001, text="hi")).is_success


async def test_fail_next(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    fake.fail_next("sendMessage", 429, retry_after=7, count=2)
    fake.fail_next("SENDCHATACTION", 500)
    for _ in range(2):
        r = await call(http, fake, "sendMessage", chat_id=1001, text="x")
        assert r.status_code == 429
        assert r.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
    r = await call(http, fake, "sendChatAction", chat_id=1001, action="typing")
    assert error(r) == (500, "Internal Server Error")
    assert fake.messages(1001) == []  # failed calls have no effect
    assert fake.transcript(1001).splitlines() == [
        "! sendMessage failed (injected fault): 429 Too Many Requests: retry after 7",
        "! sendMessage failed (injected fault): 429 Too Many Requests: retry after 7",
        "! sendChatAction failed (injected fault): 500 Internal Server Error",
    ]
    assert (await call(http, fake, "sendMessage", chat_id=1001, text="x")).is_success
    assert [c.fault for c in fake.calls] == ["injected", "injected", "injected", None]
    assert fake.errors == []

    fake.fail_next("getMe", 502)
    assert error(await http.post(url(fake, "getMe"))) == (502, "Bad Gateway")
    fake.fail_next("getMe", 403, "Forbidden: bot was kicked")
    assert error(await http.post(url(fake, "getMe"))) == (403, "Forbidden: bot was kicked")
    with pytest.raises(ValueError, match="unknown Bot API method"):
        fake.fail_next("sendMesage", 500)


async def test_hang_next_has_no_effect(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    clock = fake.clock = ManualClock()
    fake.add_chat(ALICE)
    fake.hang_next("sendMessage", 5)
    lost = asyncio.create_task(call(http, fake, "sendMessage", chat_id=1001, text="lost"))
    await fake.wait_for(lambda: clock.sleeping == [5])
    assert fake.calls[-1].fault == "hang"
    assert not lost.done()
    lost.cancel()  # the client gives up
    with pytest.raises(asyncio.CancelledError):
        await lost
    assert fake.messages(1001) == []
    # a client that waits out a hang gets a 502, still without effect
    fake.hang_next("sendMessage", 0.05)
    late = asyncio.create_task(call(http, fake, "sendMessage", chat_id=1001, text="late"))
    await fake.wait_for(lambda: 0.05 in clock.sleeping)
    clock.advance(0.05)
    r = await late
    assert error(r) == (502, "Bad Gateway")
    r = await call(http, fake, "sendMessage", chat_id=1001, text="works")
    assert r.is_success
    assert [m.text for m in fake.messages(1001)] == ["works"]
    assert fake.errors == []
    assert fake.transcript(1001) == (
        "! sendMessage hung for 5 s (no effect)\n"
        "! sendMessage hung for 0.05 s (no effect)\n"
        "< bot: works"
    )


async def test_latency(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    clock = fake.clock = ManualClock()
    fake.latency = 0.15
    request = asyncio.create_task(http.post(url(fake, "getMe")))
    await fake.wait_for(lambda: clock.sleeping == [0.15])
    assert [c.status for c in fake.calls] == [0]  # arrived, not answered yet
    assert not request.done()
    clock.advance(0.15)
    assert (await request).is_success
    assert [c.status for c in fake.calls] == [200]


async def test_send_document_multipart(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    r = await http.post(
        url(fake, "sendDocument"),
        data={"chat_id": "1001", "caption": "<b>Uw</b> verzoek", "parse_mode": "HTML"},
        files={"document": ("verzoek.pdf", b"%PDF-1.4 fake", "application/pdf")},
    )
    result = r.json()["result"]
    assert result["document"]["file_name"] == "verzoek.pdf"
    assert result["document"]["file_size"] == len(b"%PDF-1.4 fake")
    assert result["caption"] == "Uw verzoek"
    assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    msg = fake.last_message(1001)
    assert msg.document == ("verzoek.pdf", b"%PDF-1.4 fake")
    assert msg.caption == "Uw verzoek"
    assert msg.text == ""
    assert fake.calls[-1].files["document"].content == b"%PDF-1.4 fake"

    r = await call(http, fake, "sendDocument", chat_id=1001, caption="x" * 1025)
    assert error(r) == (400, "Bad Request: there is no document in the request")
    r = await http.post(
        url(fake, "sendDocument"),
        data={"chat_id": "1001", "caption": "x" * 1025},
        files={"document": ("a.txt", b"a", "text/plain")},
    )
    assert error(r) == (400, "Bad Request: message caption is too long")
    r = await call(http, fake, "editMessageText", chat_id=1001, message_id=1, text="x")
    assert error(r) == (400, "Bad Request: there is no text in the message to edit")


async def test_misc_methods(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.add_chat(ALICE)
    commands = [{"command": "start", "description": "Begin"}]
    assert (await call(http, fake, "setMyCommands", commands=commands)).is_success
    r = await call(http, fake, "getMyCommands")
    assert r.json()["result"] == commands
    nl = [{"command": "hulp", "description": "Hulp"}]
    assert (await call(http, fake, "setMyCommands", commands=nl, language_code="nl")).is_success
    assert fake.commands(language_code="nl") == nl
    assert (await call(http, fake, "deleteMyCommands")).is_success
    assert (await call(http, fake, "getMyCommands")).json()["result"] == []
    bad = [{"command": "Start!", "description": "x"}]
    r = await call(http, fake, "setMyCommands", commands=bad)
    assert error(r) == (400, "Bad Request: BOT_COMMAND_INVALID")

    r = await call(http, fake, "setChatMenuButton", menu_button={"type": "commands"})
    assert r.is_success
    r = await call(http, fake, "getWebhookInfo")
    assert r.json()["result"] == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }
    for method in ("deleteWebhook", "logOut", "close"):
        assert (await call(http, fake, method)).json() == {"ok": True, "result": True}
    r = await call(http, fake, "sendChatAction", chat_id=1001, action="typing")
    assert r.is_success
    r = await call(http, fake, "sendChatAction", chat_id=1001, action="dancing")
    assert error(r) == (400, "Bad Request: wrong parameter action in request")


# ---------------------------------------------------------------------------------------------
# getUpdates
# ---------------------------------------------------------------------------------------------
async def test_get_updates_offset_and_limit(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    ids = [fake.send_text(ALICE, f"m{i}") for i in range(5)]
    r = await call(http, fake, "getUpdates", limit=2)
    assert [u["update_id"] for u in r.json()["result"]] == ids[:2]
    # not confirmed: returned again
    r = await call(http, fake, "getUpdates")
    assert [u["update_id"] for u in r.json()["result"]] == ids
    r = await call(http, fake, "getUpdates", offset=ids[3])
    assert [u["update_id"] for u in r.json()["result"]] == ids[3:]
    assert fake.pending_updates() == ids[3:]
    r = await call(http, fake, "getUpdates", offset=ids[-1] + 1)
    assert r.json()["result"] == []
    assert fake.pending_updates() == []

    message = (await call(http, fake, "getUpdates", offset=0)).json()["result"]
    assert message == []
    later = fake.send_text(ALICE, "/start@PrivacyloketTestBot ABC")
    update = (await call(http, fake, "getUpdates")).json()["result"][0]
    assert update["update_id"] == later
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 26}]
    assert update["message"]["message_id"] == 6


async def test_get_updates_long_poll(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    r = await call(http, fake, "getUpdates", timeout=0.05)
    assert r.json()["result"] == []  # nothing came within the timeout
    assert not fake.is_polling()

    poll = asyncio.create_task(call(http, fake, "getUpdates", timeout=30))
    await fake.wait_for(fake.is_polling)
    assert not poll.done()  # it waits for an update...
    update_id = fake.send_text(ALICE, "wake up")
    r = await poll  # ...and is answered by the update, not by its timeout
    assert [u["update_id"] for u in r.json()["result"]] == [update_id]
    assert not fake.is_polling()
    await fake.wait_delivered(update_id, timeout=1)


async def test_redeliver_and_wait_delivered(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    first = fake.send_command(ALICE, "start", "ABC")
    second = fake.send_photo(ALICE, caption="scan")
    r = await call(http, fake, "getUpdates")
    assert [u["update_id"] for u in r.json()["result"]] == [first, second]
    await fake.wait_delivered(first, timeout=1)
    r = await call(http, fake, "getUpdates", offset=second + 1, timeout=0)
    assert r.json()["result"] == []

    fake.redeliver(first)
    with pytest.raises(TimeoutError):
        await fake.wait_delivered(first, timeout=0.05)
    r = await call(http, fake, "getUpdates", offset=second + 1)
    updates = r.json()["result"]
    assert [u["update_id"] for u in updates] == [first]
    assert updates[0] == fake.update(first)  # the exact same update
    await fake.wait_delivered(first, timeout=1)
    r = await call(http, fake, "getUpdates", offset=first + 1)
    assert r.json()["result"] == []
    with pytest.raises(LookupError):
        fake.redeliver(9999)


async def test_get_updates_conflict(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    first = asyncio.create_task(call(http, fake, "getUpdates", timeout=30))
    await fake.wait_for(fake.is_polling)
    second = await call(http, fake, "getUpdates", timeout=0)
    assert second.json() == {"ok": True, "result": []}
    r = await first
    assert error(r)[0] == 409
    assert error(r)[1].startswith("Conflict: terminated by other getUpdates request")
    assert fake.errors == []


async def test_user_inputs_and_transcript(fake: FakeBotAPI, http: httpx.AsyncClient) -> None:
    fake.send_command(ALICE, "start", "ABC")
    fake.send_sticker(ALICE)
    fake.send_voice(ALICE)
    fake.send_document(ALICE, "brief.pdf")
    kb = keyboard([("Nederlands", "nl"), ("English", "en")], [("Stop", "stop")])
    await call(
        http,
        fake,
        "sendMessage",
        chat_id=1001,
        text="<b>Welkom</b>\nKies een taal.",
        parse_mode="HTML",
        reply_markup=kb,
    )
    msg = fake.last_message(1001)
    _, query_id = fake.tap(ALICE, msg, "Nederlands")
    await call(
        http, fake, "answerCallbackQuery", callback_query_id=query_id, text="Taal ingesteld"
    )
    await call(
        http, fake, "editMessageText", chat_id=1001, message_id=msg.message_id, text="Taal: NL"
    )
    await http.post(
        url(fake, "sendDocument"),
        data={"chat_id": "1001", "caption": "Uw verzoek"},
        files={"document": ("verzoek.pdf", b"%PDF", "application/pdf")},
    )
    await call(http, fake, "sendMessage", chat_id=1001, text="")
    fake.inject(
        {"message": {"message_id": 99, "date": 0, "chat": {"id": 1002, "type": "private"}}}
    )
    expected = """\
> user: /start ABC
> user sends a sticker
> user sends a voice message
> user sends a document brief.pdf
< bot: Welkom
       Kies een taal.
   [Nederlands] [English]
   [Stop]
> user taps [Nederlands]
< bot (toast): Taal ingesteld
< bot edits #5: Taal: NL
< bot sends document verzoek.pdf
   caption: Uw verzoek
! sendMessage failed: 400 Bad Request: message text is empty"""
    assert fake.transcript(1001) == expected
    assert fake.transcript(1002) == ""

    updates = (await call(http, fake, "getUpdates")).json()["result"]
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message"] * 4 + ["callback_query", "message"]
    assert "sticker" in updates[1]["message"] and "voice" in updates[2]["message"]
    assert updates[3]["message"]["document"]["file_name"] == "brief.pdf"


# ---------------------------------------------------------------------------------------------
# python-telegram-bot end to end
# ---------------------------------------------------------------------------------------------
async def test_ptb_bot_roundtrip(fake: FakeBotAPI, bot: Bot) -> None:
    assert bot.username == "PrivacyloketTestBot"
    fake.add_chat(ALICE)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
    sent = await bot.send_message(
        1001, "<b>Hoi</b> &amp; welkom", parse_mode="HTML", reply_markup=markup
    )
    assert sent.text == "Hoi & welkom"
    assert sent.text_html == "<b>Hoi</b> &amp; welkom"
    assert sent.reply_markup == markup
    assert sent.from_user is not None and sent.from_user.is_bot
    edited = await bot.edit_message_text("Klaar", chat_id=1001, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Klaar" and edited.edit_date is not None
    doc = await bot.send_document(1001, b"%PDF-1.4", filename="brief.pdf", caption="Brief")
    assert doc.document is not None and doc.document.file_name == "brief.pdf"
    assert fake.last_message(1001).document == ("brief.pdf", b"%PDF-1.4")
    assert await bot.delete_message(1001, sent.message_id)
    await bot.set_my_commands([("start", "Begin")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.send_chat_action(1001, "typing")
    assert fake.errors == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_errors(fake: FakeBotAPI, bot: Bot) -> None:
    fake.add_chat(ALICE)
    fake.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(1001, "x")
    assert str(retry.value) == "Flood control exceeded. Retry in 7 seconds"
    fake.fail_next("sendMessage", 429, retry_after=0.25)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(1001, "x")
    assert str(retry.value) == "Flood control exceeded. Retry in 0.25"

    fake.block_user(1001)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "x")
    fake.unblock_user(1001)

    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(5555, "x")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1001, "<b>oops", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        sent = await bot.send_message(1001, "same")
        await bot.edit_message_text("same", chat_id=1001, message_id=sent.message_id)

    fake.hang_next("sendMessage", 5)
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "lost", read_timeout=0.2)
    assert [m.text for m in fake.messages(1001)] == ["same"]

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")
    assert [c.description for c in fake.errors] == [
        CHAT_NOT_FOUND,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        NOT_MODIFIED,
        "Not Found",
    ]


async def test_invalid_token_at_startup(fake: FakeBotAPI) -> None:
    bot = Bot("999:WRONG", base_url=fake.base_url)
    with pytest.raises(InvalidToken, match="rejected by the server"):
        await bot.initialize()
    await bot.shutdown()
    assert [(c.method, c.status) for c in fake.errors] == [("getMe", 401)]


async def test_ptb_application_polls_end_to_end(fake: FakeBotAPI) -> None:
    seen_updates: list[int] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen_updates.append(update.update_id)
        args = " ".join(context.args or [])
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Nederlands", callback_data="lang:nl"),
                    InlineKeyboardButton("English", callback_data="lang:en"),
                ]
            ]
        )
        await update.effective_message.reply_html(
            f"<b>Welkom</b> bij het Privacyloket ({args})", reply_markup=markup
        )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Taal ingesteld")
        await query.edit_message_text(f"Taal: {query.data}")

    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            update_id = fake.send_command(ALICE, "start", "ABC")
            await fake.wait_for(lambda: len(fake.messages(1001)) == 1, timeout=5)
            welcome = fake.last_message(1001)
            assert welcome.text == "Welkom bij het Privacyloket (ABC)"
            assert welcome.html == "<b>Welkom</b> bij het Privacyloket (ABC)"
            assert welcome.buttons == [[("Nederlands", "lang:nl"), ("English", "lang:en")]]

            fake.tap(ALICE, welcome, "Nederlands")
            await fake.wait_for(lambda: welcome.edits == 1, timeout=5)
            assert welcome.text == "Taal: lang:nl"
            assert welcome.buttons == []
            assert fake.unanswered_callback_queries() == []

            # Telegram re-sends an update whose offset was never confirmed: PTB handles it again
            fake.redeliver(update_id)
            await fake.wait_for(lambda: len(seen_updates) == 2, timeout=5)
            assert seen_updates == [update_id, update_id]
        finally:
            await app.updater.stop()
            await app.stop()

    assert fake.transcript(1001) == (
        "> user: /start ABC\n"
        "< bot: Welkom bij het Privacyloket (ABC)\n"
        "   [Nederlands] [English]\n"
        "> user taps [Nederlands]\n"
        "< bot (toast): Taal ingesteld\n"
        "< bot edits #2: Taal: lang:nl\n"
        "< bot: Welkom bij het Privacyloket (ABC)\n"
        "   [Nederlands] [English]"
    )
    assert fake.errors == []
    methods = {c.method for c in fake.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods


async def test_server_restart_and_context_manager() -> None:
    fake = FakeBotAPI(token="42:OTHER", bot_username="OtherBot", bot_id=42)
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    await fake.start()
    try:
        async with httpx.AsyncClient() as http:
            r = await http.get(f"{fake.base_url}42:OTHER/getMe")
            assert r.json()["result"]["username"] == "OtherBot"
            # stopping answers a pending long poll right away
            poll = asyncio.create_task(http.get(f"{fake.base_url}42:OTHER/getUpdates?timeout=30"))
            await fake.wait_for(lambda: len(fake.calls) == 2, timeout=1)
            await fake.stop()
            r = await asyncio.wait_for(poll, 2)
            assert r.json() == {"ok": True, "result": []}
    finally:
        await fake.stop()


def test_sent_message_is_plain_data() -> None:
    msg = SentMessage(chat_id=1, message_id=2, date=0, text="t", html="t")
    assert msg.buttons == [] and msg.inline_markup is None and not msg.is_document
