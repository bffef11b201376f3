"""Shared test helpers: a settable clock, settings in a temporary folder, a roster."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import AdjustableClock
from bot.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHOOL_TOML = EXAMPLES / "cbs-klimop.toml"
ROSTER_CSV = EXAMPLES / "roster-cbs-klimop.csv"
SECRET = "test-secret-" + "x" * 40


class FakeClock(AdjustableClock):
    """The product's adjustable clock, frozen at a Monday morning unless told otherwise."""

    def __init__(self, moment: datetime | None = None) -> None:
        super().__init__(moment or datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


def make_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database": tmp / "test.db",
        "schools": SCHOOL_TOML,
        "secret_key": SECRET,
        "key_file": tmp / "test.key",
        "bot_username": "KlimopTestBot",
    }
    values.update(overrides)
    return Settings.model_validate(values)
