"""Keeping the translation catalogs complete: ``python -m bot.catalogs update|check|compile``.

English texts are the message ids, so the English catalog is filled from them; every
Dutch text is written by hand. ``check`` fails when the template is out of date with the
code, or when a Dutch or English text is missing, fuzzy or has other placeholders.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _po(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    catalog = Catalog(project="Privacyloket", domain=DOMAIN, fuzzy=False)
    for folder in ("bot", "handlers"):
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
        ):
            catalog.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, width=99)


def _ids(catalog: Iterable[Message]) -> set[object]:
    return {m.id for m in catalog if m.id}


def _texts(message: Message) -> list[str]:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [str(s or "") for s in strings]


def _id_texts(message: Message) -> list[str]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    return [str(i) for i in ids]


def update() -> None:
    template = extract()
    _write(TEMPLATE, template)
    for language in LANGUAGES:
        path = _po(language)
        catalog = (
            _read(path, language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        )
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # the header: every entry is checked on its own
        if language == "en":
            for message in catalog:
                if not message.id:
                    continue
                if isinstance(message.id, tuple):
                    if not all(_texts(message)):
                        message.string = (message.id[0], message.id[1])
                elif not message.string:
                    message.string = message.id
        _write(path, catalog)
    print(f"updated {TEMPLATE.relative_to(ROOT)} and the nl and en catalogs")


def problems() -> list[str]:
    found: list[str] = []
    template = extract()
    if not TEMPLATE.exists() or _ids(_read(TEMPLATE)) != _ids(template):
        found.append("locales/messages.pot is out of date: run 'python -m bot.catalogs update'")
    for language in LANGUAGES:
        path = _po(language)
        if not path.exists():
            found.append(f"{path.relative_to(ROOT)} is missing")
            continue
        catalog = _read(path, language)
        if catalog.fuzzy:
            found.append(f"{path.relative_to(ROOT)}: the header is marked fuzzy")
        for wanted in template:
            if not wanted.id:
                continue
            message = catalog.get(wanted.id, wanted.context)
            label = f"{language}: {_id_texts(wanted)[0][:60]!r}"
            if message is None:
                found.append(f"{label} is missing")
            elif message.fuzzy:
                found.append(f"{label} is fuzzy")
            elif not all(_texts(message)):
                found.append(f"{label} is not translated")
            else:
                expected = set(_PLACEHOLDER.findall(" ".join(_id_texts(message))))
                for text in _texts(message):
                    if set(_PLACEHOLDER.findall(text)) - expected or (
                        not isinstance(message.id, tuple)
                        and set(_PLACEHOLDER.findall(text)) != expected
                    ):
                        found.append(f"{label} has other placeholders than the English text")
                        break
    return found


def compile_catalogs() -> None:
    for language in LANGUAGES:
        catalog = _read(_po(language), language)
        with _po(language).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
    print("compiled the nl and en catalogs")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    elif command == "check":
        found = problems()
        for problem in found:
            print(problem, file=sys.stderr)
        if found:
            print(f"{len(found)} catalog problem(s)", file=sys.stderr)
            return 1
        print("catalogs are complete")
    else:
        print("usage: python -m bot.catalogs update|check|compile", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
