"""A school's own configuration: who to contact, photo purposes and the privacy register.

Written by the school as TOML and validated here, so a mistake stops start-up with a
message that names the file and the field.
"""

from __future__ import annotations

import tomllib
from datetime import date
from datetime import time as dt_time
from pathlib import Path
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from bot.errors import ConfigError
from bot.i18n import Language

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,23}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Model):
    nl: Text
    en: Text

    def get(self, language: Language) -> str:
        return self.nl if language == "nl" else self.en


class Contacts(_Model):
    teacher: LocalizedText
    director: LocalizedText
    privacy_officer: LocalizedText


class PhotoPurpose(_Model):
    key: Key
    label: LocalizedText
    explanation: LocalizedText


class Recipient(_Model):
    key: Key
    name: LocalizedText
    receives: LocalizedText
    basis: LocalizedText


class RetentionGround(_Model):
    key: Key
    label: LocalizedText


class Holiday(_Model):
    """A school holiday: no school days from ``start`` to ``end``, both included."""

    start: date
    end: date
    name: LocalizedText | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"holiday ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days > 120:
            raise ValueError(f"holiday from {self.start} to {self.end} is longer than 120 days")
        return self


class DataCategory(_Model):
    key: Key
    label: LocalizedText
    examples: LocalizedText
    purpose: LocalizedText
    source: LocalizedText
    retention: LocalizedText
    retention_ground: Key | None = None
    recipients: list[Key] = Field(default_factory=list)
    voluntary: bool = False
    special: bool = False
    photo_consent: bool = False
    """Used only for the photo purposes parents consent to (some are public)."""


class Retention(_Model):
    """How long the bot keeps its own data; the defaults follow the school's statement."""

    closed_case_text_months: int = Field(default=12, ge=1, le=120)
    delivered_message_days: int = Field(default=30, ge=1, le=3650)
    undeliverable_message_days: int = Field(default=90, ge=1, le=3650)
    ended_invitation_days: int = Field(default=30, ge=1, le=3650)
    left_pupil_years: int = Field(default=2, ge=1, le=20)


class Schedule(_Model):
    """When scheduled messages go out, in the school's time zone."""

    digest: Literal["school_days", "weekly", "off"] = "school_days"
    digest_time: dt_time = dt_time(7, 30)
    report: Literal["weekly", "off"] = "weekly"
    report_time: dt_time = dt_time(8, 0)
    reminder_time: dt_time = dt_time(8, 0)
    retention_time: dt_time = dt_time(3, 15)


def _unique(items: list[_Model], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        key = getattr(item, "key")  # noqa: B009 - every keyed model has it
        if key in seen:
            raise ValueError(f"{what} key {key!r} appears twice")
        seen.add(key)


class SchoolConfig(_Model):
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    name: Text
    foundation: Text | None = None
    timezone: str = "Europe/Amsterdam"
    consent_task_school_days: int = Field(default=5, ge=1, le=30)
    """How many school days staff have to act on a photo-consent change."""
    holidays: list[Holiday] = Field(default_factory=list)
    administration_system: Text
    contacts: Contacts
    photo_purposes: list[PhotoPurpose] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    retention_grounds: list[RetentionGround] = Field(default_factory=list)
    categories: list[DataCategory] = Field(min_length=1)
    retention: Retention = Field(default_factory=Retention)
    schedule: Schedule = Field(default_factory=Schedule)

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {self.timezone!r}") from None
        _unique(list(self.photo_purposes), "photo purpose")
        _unique(list(self.recipients), "recipient")
        _unique(list(self.retention_grounds), "retention ground")
        _unique(list(self.categories), "category")
        recipients = {r.key for r in self.recipients}
        grounds = {g.key for g in self.retention_grounds}
        for category in self.categories:
            for key in category.recipients:
                if key not in recipients:
                    raise ValueError(f"category {category.key!r}: unknown recipient {key!r}")
            if category.retention_ground and category.retention_ground not in grounds:
                raise ValueError(
                    f"category {category.key!r}: unknown retention ground "
                    f"{category.retention_ground!r}"
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def category(self, key: str) -> DataCategory | None:
        return next((c for c in self.categories if c.key == key), None)

    def recipient(self, key: str) -> Recipient | None:
        return next((r for r in self.recipients if r.key == key), None)

    def retention_ground(self, key: str) -> RetentionGround | None:
        return next((g for g in self.retention_grounds if g.key == key), None)

    @property
    def holiday_periods(self) -> list[tuple[date, date]]:
        return [(h.start, h.end) for h in self.holidays]

    def purpose(self, key: str) -> PhotoPurpose | None:
        return next((p for p in self.photo_purposes if p.key == key), None)


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "(top level)"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


def load_school(path: Path) -> SchoolConfig:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: school config not found") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        return SchoolConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from None


def load_schools(path: Path) -> dict[str, SchoolConfig]:
    """Every school config: one TOML file, or every *.toml in a folder."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        raise ConfigError(f"{path}: no school config (*.toml) in this folder")
    schools: dict[str, SchoolConfig] = {}
    for file in files:
        school = load_school(file)
        if school.slug in schools:
            raise ConfigError(f"{file}: slug: {school.slug!r} is used by another school file")
        schools[school.slug] = school
    return schools
