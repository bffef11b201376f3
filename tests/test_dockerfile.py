"""The Docker image, read (there is no Docker engine in CI): what it loads and where it keeps
the key. The README's Docker section must say the same."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
INSTRUCTIONS = re.sub(r"\\\n\s*", " ", re.sub(r"(?m)^\s*#.*\n", "", DOCKERFILE))


def _env(name: str) -> str:
    match = re.search(rf"\b{name}=(\S+)", INSTRUCTIONS)
    assert match, name
    return match.group(1)


def test_the_image_loads_only_the_configs_the_school_mounts() -> None:
    assert _env("PRIVACYLOKET_SCHOOLS") == "/config"
    # Nothing is copied into /config: the demo school stays out unless asked for.
    assert not re.search(r"(COPY|cp)\s[^\n]*\s/config\b", INSTRUCTIONS)
    assert "/opt/privacyloket/examples" in INSTRUCTIONS


def test_the_key_is_not_in_the_data_volume() -> None:
    database, key = _env("PRIVACYLOKET_DATABASE"), _env("PRIVACYLOKET_KEY_FILE")
    assert database.startswith("/data/")
    assert not key.startswith("/data/")
    volumes = re.search(r"VOLUME \[(.*)\]", INSTRUCTIONS)
    assert volumes is not None and '"/data"' in volumes.group(1)
    assert str(Path(key).parent) not in volumes.group(1)  # no anonymous volume for the key


def test_a_non_editable_install_with_a_health_check() -> None:
    assert re.search(r"pip install \.", INSTRUCTIONS)
    assert "pip install -e" not in INSTRUCTIONS
    assert re.search(r'HEALTHCHECK .*CMD \["privacyloket", "health"\]', INSTRUCTIONS)
    assert re.search(r"^USER privacyloket$", INSTRUCTIONS, re.M)


def test_the_readme_says_how_to_keep_the_key_apart() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docker = readme[readme.index("## Docker") :]
    docker = docker[: docker.index("\n## ", 1)]
    assert "privacyloket-key:/key" in docker
    assert "/run/secrets/" in docker
    assert "PRIVACYLOKET_SCHOOLS=/opt/privacyloket/examples/cbs-klimop.toml" in docker
