"""Both catalogs keep the glossary: one word for one thing, in Dutch and in English.

- a request is refused ("afwijzen", "afgewezen"); consent is refused ("weigeren");
- a message or document reaches a person: "bezorgd", never "afgeleverd";
- "leerkracht", never "leraar"; the head teacher is the "directeur";
- data is corrected ("corrigeren"), in the bot and on the letter alike, never "verbeteren";
- "u heeft", never "u hebt"; a straight apostrophe ("foto's");
- English names the law as "GDPR (AVG) Art. 15", and says "group", never "class".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from bot import catalogs
from bot.i18n import gettext, use_language
from bot.schools.config import LocalizedText, load_school
from tests.support import SCHOOL_TOML


def _pairs() -> Iterator[tuple[str, str]]:
    """Every (English, Dutch) text of the catalogs, singular and plural alike."""
    nl = catalogs._read(catalogs._po("nl"), "nl")
    en = catalogs._read(catalogs._po("en"), "en")
    for message in nl:
        if not message.id:
            continue
        english = en.get(message.id)
        assert english is not None, message.id
        yield from zip(catalogs._texts(english), catalogs._texts(message), strict=False)


PAIRS = list(_pairs())


def _offending(check: re.Pattern[str], *, dutch: bool = True) -> list[str]:
    """The Dutch (or English) texts that ``check`` finds."""
    return [(nl if dutch else en) for en, nl in PAIRS if check.search(nl if dutch else en)]


def test_a_request_is_refused_with_afwijzen_and_consent_with_weigeren() -> None:
    consent = re.compile(r"consent|photo|appear|parent refused|you refused|nobody refused", re.I)
    for english, dutch in PAIRS:
        if re.search(r"weiger", dutch, re.I):
            assert consent.search(english), f"'weigeren' for a request: {dutch!r}"
        about_a_request = re.search(r"request|deletion|refusal", english, re.I) and not (
            re.search(r"consent", english, re.I)
        )
        if re.search(r"\brefus", english, re.I) and about_a_request:
            refused = r"afwijz|afgewez|\bwijst\b.*\baf\b"
            assert re.search(refused, dutch, re.I), f"not 'afwijzen': {dutch!r}"


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [
        ("delivered is 'bezorgd', never 'afgeleverd'", r"aflever|afgeleverd"),
        ("'leerkracht', never 'leraar'", r"\bleraar|\blerares|\bleraren"),
        ("'corrigeren' in the bot and on the letter, never 'verbeteren'", r"verbeter"),
        ("'u heeft', never 'u hebt'", r"\bhebt\b"),
        ("a straight apostrophe", r"’"),
    ],
)
def test_the_dutch_catalog_keeps_the_glossary(rule: str, pattern: str) -> None:
    assert _offending(re.compile(pattern, re.I)) == [], rule


def test_the_dutch_words_for_people_and_delivery() -> None:
    for english, dutch in PAIRS:
        if re.search(r"(?<!head )\bteachers?\b", english, re.I):
            assert re.search(r"leerkracht", dutch, re.I), dutch
        if re.search(r"head teacher", english, re.I):
            assert re.search(r"directeur", dutch, re.I), dutch
        if re.search(r"privacy officer", english, re.I):
            assert re.search(r"privacyfunctionaris", dutch, re.I), dutch
        if re.search(r"(could not be|not|documents?) delivered", english):
            assert re.search(r"bezorg", dutch, re.I), dutch


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [
        ("the law as 'GDPR (AVG) Art.'", r"(?<!GDPR \()AVG [aA]rt|\bart\. \d"),
        ("'group', never 'class'", r"\b[cC]lass(es)?\b"),
    ],
)
def test_the_english_texts_keep_the_glossary(rule: str, pattern: str) -> None:
    assert _offending(re.compile(pattern), dutch=False) == [], rule


def test_the_example_config_says_group_in_english_too() -> None:
    school = load_school(SCHOOL_TOML)

    def texts(value: object) -> Iterator[str]:
        if isinstance(value, LocalizedText):
            yield value.en
        elif isinstance(value, list | tuple):
            for item in value:
                yield from texts(item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from texts(getattr(value, name))

    found = [t for t in texts(school) if re.search(r"\bclass(es)?\b", t, re.I)]
    assert found == []


AWKWARD = [
    "hem u te sturen",
    "heeft gehoord welke",
    "Bedankt voor het gebruiken",
    "Vrijwillig gegeven",
    "mogen bewaard blijven",
    "omdat de wet dat vraagt",
    "Uw opdrachten",
    "The answer date is extended",
    "recipients are informed",
    "The school keeps, by law",
    "has left the bot",
    "has not given it",
    "Legal ground:",
    "Wettelijke grond:",
]


@pytest.mark.parametrize("phrase", AWKWARD)
def test_no_awkward_phrase_is_left_in_either_catalog(phrase: str) -> None:
    assert [t for pair in PAIRS for t in pair if phrase in t] == []


def test_a_time_of_day_reads_as_each_language_writes_it() -> None:
    with use_language("nl"):
        assert gettext("{date} at {hour}:{minute}") == "{date} om {hour}.{minute} uur"
    with use_language("en"):
        assert gettext("{date} at {hour}:{minute}") == "{date} at {hour}:{minute}"
