"""Translations and dates in the reader's language.

The language is held in a ContextVar: set around each Telegram update by the intake and
per recipient around outbox messages and jobs, never process-wide. The languages are the
catalogs in ``locales/``: adding a language is adding its catalog.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Literal, TypeGuard

from babel import Locale, numbers
from babel import dates as babel_dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Language = str
"""A language code with a catalog in ``locales/`` (``nl``, ``en``)."""
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE: Language = "nl"


def _catalog_languages() -> tuple[Language, ...]:
    found = {p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))


LANGUAGES: tuple[Language, ...] = _catalog_languages()
"""The default language first, then the others by code."""
_REGIONS = {"nl": "nl_NL", "en": "en_GB"}
"""Dates as written in the Netherlands and in British English; another language's own."""
BABEL_LOCALES: dict[Language, str] = {code: _REGIONS.get(code, code) for code in LANGUAGES}
LANGUAGE_NAMES: dict[Language, str] = {
    code: (Locale.parse(code).get_display_name(code) or code).capitalize() for code in LANGUAGES
}
"""Each language in its own words, so anyone can find theirs."""

_language: ContextVar[Language] = ContextVar("language", default=DEFAULT_LANGUAGE)


def is_language(value: object) -> TypeGuard[Language]:
    return value in LANGUAGES


def language_or_default(code: str | None) -> Language:
    """A stored or suggested language code as one we write in: itself, or the default."""
    return code if is_language(code) else DEFAULT_LANGUAGE


@cache
def translations(language: Language) -> _gettext.NullTranslations:
    """The catalog for ``language``: the compiled .mo when current, else compiled from the .po."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def current_language() -> Language:
    return _language.get()


def set_language(language: Language) -> None:
    """Set the language for the rest of the current task (one Telegram update)."""
    _language.set(language)


@contextmanager
def use_language(language: Language) -> Iterator[None]:
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, where it is shown."""
    return message


def suggest_language(telegram_code: str | None, fallback: Language = DEFAULT_LANGUAGE) -> Language:
    """The language to offer first: the Telegram app's when it is one we speak."""
    code = (telegram_code or "").lower().replace("_", "-").split("-", 1)[0]
    return code if is_language(code) else fallback


def format_date(value: date, fmt: Literal["short", "medium", "long", "full"] = "long") -> str:
    return _format_date(value, fmt, BABEL_LOCALES[_language.get()])


@lru_cache(maxsize=4096)
def _format_date(value: date, fmt: str, locale: str) -> str:
    # A digest or queue names the same few dates many times; Babel is slow at it.
    return babel_dates.format_date(value, fmt, locale=locale)


def format_time(value: datetime, tz: tzinfo) -> str:
    """The local time of day: 07:30 in both languages."""
    return babel_dates.format_time(
        value, "HH:mm", tzinfo=tz, locale=BABEL_LOCALES[_language.get()]
    )


def format_number(value: int) -> str:
    """1.000 in Dutch, 1,000 in English."""
    return numbers.format_decimal(value, locale=BABEL_LOCALES[_language.get()])
