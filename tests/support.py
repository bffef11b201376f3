"""Shared test helpers: a settable clock, settings in a temporary folder, a roster."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHOOL_TOML = EXAMPLES / "cbs-klimop.toml"
ROSTER_CSV = EXAMPLES / "roster-cbs-klimop.csv"
SECRET = "test-secret-" + "x" * 40


@dataclass
class FakeClock:
    moment: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


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
