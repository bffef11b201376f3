"""A school's own configuration: who to contact, photo purposes and the privacy register.

Written by the school as TOML and validated here, so a mistake stops start-up with a
message that names the file and the field.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Self
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
    complaints: LocalizedText | None = None


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
    administration_system: Text
    contacts: Contacts
    photo_purposes: list[PhotoPurpose] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    retention_grounds: list[RetentionGround] = Field(default_factory=list)
    categories: list[DataCategory] = Field(min_length=1)
    # Parents are told who handles their request by role; True names the staff member.
    show_staff_names: bool = False

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
