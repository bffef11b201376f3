"""What a non-editable install (pip install ., a wheel, the Docker image) must carry.

CI also builds the wheel, installs it outside the checkout and reads a Dutch text.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from bot.i18n import LOCALES_DIR
from bot.schools.letters import FONTS_DIR
from storage.migrations import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent


def _setuptools() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)["tool"]["setuptools"]
    assert isinstance(config, dict)
    return config


def _is_package(name: str) -> bool:
    """Whether setuptools' namespace discovery, as configured, ships the folder ``name``."""
    find = _setuptools()["packages"]
    assert isinstance(find, dict) and find["find"]["namespaces"] is True
    include, exclude = find["find"]["include"], find["find"].get("exclude", [])
    return any(fnmatch.fnmatch(name, p) for p in include) and not any(
        fnmatch.fnmatch(name, p) for p in exclude
    )


def _shipped(path: Path) -> bool:
    """Whether the file at ``path`` goes into the wheel as a module or package data."""
    package = ".".join(path.parent.relative_to(ROOT).parts)
    if not _is_package(package):
        return False
    if path.suffix == ".py":
        return True
    data = _setuptools().get("package-data", {})
    assert isinstance(data, dict)
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in data.get(package, []))


def test_every_module_is_in_the_wheel() -> None:
    modules = [
        path
        for folder in ("bot", "handlers", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    ]
    assert len(modules) > 40
    assert [str(m.relative_to(ROOT)) for m in modules if not _shipped(m)] == []


def test_every_file_the_program_reads_is_in_the_wheel() -> None:
    needed = [
        *MIGRATIONS_DIR.glob("*.sql"),
        *LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"),
        *FONTS_DIR.glob("*.ttf"),
        *FONTS_DIR.glob("LICENSE-*"),
    ]
    assert len(needed) >= 7
    missing = [str(path.relative_to(ROOT)) for path in needed if not _shipped(path)]
    assert missing == []


def test_compiled_catalogs_go_along_when_present() -> None:
    for language in ("nl", "en"):
        assert _shipped(LOCALES_DIR / language / "LC_MESSAGES" / "messages.mo")
