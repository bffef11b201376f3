"""The callback codec refuses every malformed data string instead of failing on it."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handlers.callbacks import MAX_BYTES, CallbackCodec

CODEC = CallbackCodec(b"k" * 32)
USER = 42
VALID = CODEC.encode(USER, "wdok", 7)
BODY, _, SIGNATURE = VALID.rpartition("~")

MALFORMED = [
    f"{BODY}~ÄÖÜäöüßé",  # a signature in another script: compare_digest(str, str) raised
    f"{BODY}~{'€' * 8}",
    f"{BODY}~{SIGNATURE[:-1]}é",
    f"{BODY}~\udcff",  # a lone surrogate, as JSON can carry it
    "",
    "~",
    "wdok",
    "wdok:7",
    f"{VALID}\n",
    f"{VALID}~",
    f"{BODY}\n~{SIGNATURE}",
    "\x00" * 10,
    "a" * 500,
    "é" * 64,
]


def test_the_codec_still_reads_what_it_made() -> None:
    decoded = CODEC.decode(USER, VALID)
    assert decoded is not None and decoded.action == "wdok" and decoded.int_arg(0) == 7
    assert len(VALID.encode()) <= MAX_BYTES


def test_known_malformed_data_is_refused() -> None:
    for data in MALFORMED:
        assert CODEC.decode(USER, data) is None, repr(data)


@example(data=f"{BODY}~ÄÖÜäöüßé")
@example(data=f"{BODY}~\udcff\udcff")
@settings(max_examples=500, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    data=st.one_of(
        st.text(max_size=80),
        st.text(max_size=12).map(lambda s: f"{BODY}~{s}"),
        st.text(max_size=12).map(lambda s: f"{s}~{SIGNATURE}"),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    )
)
def test_any_other_data_is_refused_never_raises(data: str) -> None:
    """Only the exact string the codec made for this user decodes; nothing raises."""
    decoded = CODEC.decode(USER, data)
    assert decoded is None or data == VALID
