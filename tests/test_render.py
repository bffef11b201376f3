from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from bot.emulator import parse_html, utf16_len
from handlers.callbacks import MAX_BYTES, CallbackCodec
from handlers.render import esc, split_html


def test_short_texts_stay_whole() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_long_texts_split_at_paragraphs_and_stay_valid_html() -> None:
    paragraphs = [f"<b>Title {i}</b>\n" + esc("<x> & y " * 40) for i in range(40)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    for part in parts:
        parsed = parse_html(part)
        assert utf16_len(parsed.text) <= 4096
    assert parts[1].startswith("<b>Title")


@given(st.text(min_size=1, max_size=9000))
def test_any_escaped_text_splits_into_valid_messages(text: str) -> None:
    whole = "<i>" + esc(text) + "</i>"
    parts = split_html(whole)
    rebuilt = ""
    for part in parts:
        parsed = parse_html(part)  # raises like Telegram on invalid HTML
        assert utf16_len(parsed.text) <= 4096
        rebuilt += parsed.text
    # Nothing is lost or changed; only whitespace at a cut may go.
    assert "".join(rebuilt.split()) == "".join(html.unescape(esc(text)).split())


def test_callback_data_is_signed_per_user_and_short() -> None:
    codec = CallbackCodec(b"k" * 32)
    data = codec.encode(42, "case", 123)
    assert len(data.encode()) <= MAX_BYTES
    decoded = codec.decode(42, data)
    assert decoded is not None and decoded.action == "case" and decoded.int_arg(0) == 123
    assert codec.decode(43, data) is None
    assert codec.decode(42, data.replace("123", "124")) is None
    assert codec.decode(42, "case:123") is None


def test_the_codec_refuses_what_would_not_fit() -> None:
    codec = CallbackCodec(b"k" * 32)
    for bad in [("x" * 60,), ("a:b",), ("ü",)]:
        try:
            codec.encode(1, "act", *bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} was accepted")
