"""What a non-editable install (pip install ., a wheel, the Docker image) must carry.

CI also builds the wheel, installs it outside the checkout and reads a Dutch text.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from bot.i18n import LOCALES_DIR
from bot.letters import FONTS_DIR
from storage.migrations import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent


def _setuptools() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)["tool"]["setuptools"]
    assert isinstance(config, dict)
    return config


def _shipped(path: Path) -> bool:
    """Whether the file at ``path`` goes into the wheel as package data or a module."""
    config = _setuptools()
    package = ".".join(path.parent.relative_to(ROOT).parts)
    packages = config["packages"]
    assert isinstance(packages, list)
    if package not in packages:
        return False
    if path.suffix == ".py":
        return True
    data = config.get("package-data", {})
    assert isinstance(data, dict)
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in data.get(package, []))


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
