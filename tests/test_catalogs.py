"""The catalog check CI runs: it must notice what a parent would see untranslated."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import catalogs
from bot.i18n import LOCALES_DIR


def test_the_shipped_catalogs_are_complete() -> None:
    assert catalogs.problems() == []


def test_a_missing_fuzzy_or_wrong_translation_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locales = tmp_path / "locales"
    for language in ("nl", "en"):
        folder = locales / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        source = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        (folder / "messages.po").write_bytes(source.read_bytes())
    (locales / "messages.pot").write_bytes((LOCALES_DIR / "messages.pot").read_bytes())
    nl = locales / "nl" / "LC_MESSAGES" / "messages.po"
    text = nl.read_text(encoding="utf-8")
    text = text.replace('msgstr "Hoofdmenu"', 'msgstr ""')
    text = text.replace('msgid "Delete data"', '#, fuzzy\nmsgid "Delete data"')
    text = text.replace('msgstr "groep {name}"', 'msgstr "groep {naam}"')
    nl.write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalogs, "LOCALES_DIR", locales)
    monkeypatch.setattr(catalogs, "TEMPLATE", locales / "messages.pot")
    found = "\n".join(catalogs.problems())
    assert "nl: 'Main menu' is not translated" in found
    assert "nl: 'Delete data' is fuzzy" in found
    assert "nl: 'group {name}' has other placeholders" in found
    assert "en:" not in found
