"""A school's own configuration: who to contact, consent purposes and the privacy register.

Written by the school as TOML and validated here, so a mistake stops start-up with a
message that names the file and the field.
"""

from __future__ import annotations

import tomllib
from datetime import date
from datetime import time as dt_time
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from bot.errors import ConfigError, count
from bot.i18n import Language

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,23}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"
URL_PATTERN = r"^https?://\S+$"
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
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
    kind: ClassVar[Literal["photo"]] = "photo"
    key: Key
    label: LocalizedText
    explanation: LocalizedText
    takedown_on_leaving: bool = False
    """When a pupil with consent for this purpose leaves, what was published of them is
    taken down (a task for the teacher): for public purposes such as the website."""
    handed_out: bool = False
    """Copies are handed out or sent (a newsletter, a printed school guide): what was already
    handed out cannot be taken back when consent is withdrawn, and parents are told so."""

    def ended(self, day: date) -> bool:
        """A photo purpose holds until the school removes it from its config."""
        return False


class ExchangePurpose(_Model):
    """Consent to pass pupil data to another organisation (the school photographer, a
    research project, a club on a sports day, a learning app without a processing
    agreement): asked per child like a photo purpose, with the same rules."""

    kind: ClassVar[Literal["exchange"]] = "exchange"
    key: Key
    label: LocalizedText
    organisation: LocalizedText
    data: LocalizedText
    """Which data the organisation receives."""
    why: LocalizedText
    valid_until: date | None = None
    """The last day of the exchange (an event): after it, consent for it no longer applies."""

    def ended(self, day: date) -> bool:
        return self.valid_until is not None and day > self.valid_until


ConsentPurpose = PhotoPurpose | ExchangePurpose


class Rounds(_Model):
    """Consent rounds: when guardians who did not answer are reminded."""

    reminder_days: list[Annotated[int, Field(ge=1, le=60)]] = Field(
        default_factory=lambda: [5, 10], max_length=2
    )
    """Days after a guardian was asked; at most two reminders."""

    @field_validator("reminder_days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if any(later <= earlier for earlier, later in pairwise(value)):
            raise ValueError(f"reminder days {value} must increase (for example [5, 10])")
        return value


class Recipient(_Model):
    key: Key
    name: LocalizedText
    receives: LocalizedText
    basis: LocalizedText


STILL_NEEDED = "still_needed"
"""The ground built into the bot for a pupil still at the school: the data is still needed
for the child's education (AVG art. 17(1)(a) does not apply yet). No config names it."""


class RetentionGround(_Model):
    """A ground to keep data after a pupil leaves: a duty the law puts on the school (then
    ``law`` names the law) or the school's own policy. Parents are told which."""

    key: Key
    label: LocalizedText
    basis: Literal["legal_duty", "school_policy"]
    law: LocalizedText | None = None

    @model_validator(mode="after")
    def _law_goes_with_a_duty(self) -> Self:
        if self.basis == "legal_duty" and self.law is None:
            raise ValueError(
                "a legal duty names the law it comes from: add law.nl and law.en (or write "
                'basis = "school_policy" when it is the school\'s own policy)'
            )
        if self.basis == "school_policy" and self.law is not None:
            raise ValueError('law is only for basis = "legal_duty"')
        return self

    @property
    def legal_duty(self) -> bool:
        return self.basis == "legal_duty"


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
    judgements: bool = False
    """Holds professional judgements (observations, assessments), not only facts: a
    correction of a judgement is closed with the parent's statement added beside it, while
    a wrong fact is always corrected."""


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


def _items(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    """The tables of a ``[[field]]`` list as written, leaving out what is not a table."""
    items = data.get(field)
    return [i if isinstance(i, dict) else {} for i in items] if isinstance(items, list) else []


def _unique(data: dict[str, Any], field: str, what: str) -> list[str]:
    seen: set[object] = set()
    problems: list[str] = []
    for index, item in enumerate(_items(data, field)):
        key = item.get("key")
        if isinstance(key, str) and key in seen:
            problems.append(f"{field}.{index}.key: {what} key {key!r} appears twice")
        seen.add(key)
    return problems


def reference_problems(data: dict[str, Any]) -> list[str]:
    """Keys that appear twice or refer to nothing, in the config as written (a dict).

    Checked on the raw data too, so that they are reported in the same run as problems
    with single fields (a misspelled field stops pydantic before the model is built).
    """
    problems = _unique(data, "photo_purposes", "photo purpose")
    problems += _unique(data, "exchange_purposes", "exchange purpose")
    photo_keys = {p.get("key") for p in _items(data, "photo_purposes")}
    for index, item in enumerate(_items(data, "exchange_purposes")):
        key = item.get("key")
        if isinstance(key, str) and key in photo_keys:
            problems.append(
                f"exchange_purposes.{index}.key: {key!r} is also a photo purpose's key: "
                "every consent purpose needs a key of its own"
            )
    problems += _unique(data, "recipients", "recipient")
    problems += _unique(data, "retention_grounds", "retention ground")
    problems += _unique(data, "categories", "category")
    recipients = {r.get("key") for r in _items(data, "recipients")}
    grounds = {g.get("key") for g in _items(data, "retention_grounds")}
    for index, item in enumerate(_items(data, "retention_grounds")):
        if item.get("key") == STILL_NEEDED:
            problems.append(
                f"retention_grounds.{index}.key: {STILL_NEEDED!r} is built in (data still "
                "needed for a pupil at the school): choose another key"
            )
    for index, category in enumerate(_items(data, "categories")):
        keys = category.get("recipients")
        for key in keys if isinstance(keys, list) else []:
            if isinstance(key, str) and key not in recipients:
                problems.append(
                    f"categories.{index}.recipients: category {category.get('key')!r}: "
                    f"unknown recipient {key!r}"
                )
        ground = category.get("retention_ground")
        if isinstance(ground, str) and ground not in grounds:
            problems.append(
                f"categories.{index}.retention_ground: category {category.get('key')!r}: "
                f"unknown retention ground {ground!r}"
            )
    return problems


class SchoolConfig(_Model):
    slug: Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
    name: Text
    foundation: Text | None = None
    controller: LocalizedText
    """Who is responsible for the pupils' data under the AVG (the controller): the school
    board, for example the foundation the school belongs to, not the school itself."""
    timezone: str = "Europe/Amsterdam"
    consent_task_school_days: int = Field(default=5, ge=1, le=30)
    """How many school days staff have to act on a photo-consent change."""
    holidays: list[Holiday] = Field(default_factory=list)
    administration_system: Text
    contacts: Contacts
    photo_purposes: list[PhotoPurpose] = Field(min_length=1)
    exchange_purposes: list[ExchangePurpose] = Field(default_factory=list)
    rounds: Rounds = Field(default_factory=Rounds)
    recipients: list[Recipient] = Field(default_factory=list)
    retention_grounds: list[RetentionGround] = Field(default_factory=list)
    categories: list[DataCategory] = Field(min_length=1)
    contact: LocalizedText | None = None
    """One line on the invitation letters (address, phone, e-mail); default: the director."""
    privacy_statement_url: (
        Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=200)] | None
    ) = None
    logo: Path | None = None
    """A PNG or JPEG for the letters; a relative path is relative to the config file."""
    retention: Retention = Field(default_factory=Retention)
    schedule: Schedule = Field(default_factory=Schedule)
    # Parents are told who handles their request by role; True names the staff member.
    show_staff_names: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (write it as Europe/Amsterdam)"
            ) from None
        return value

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        """Every cross-reference problem, one per line, each naming its field."""
        problems = reference_problems(self.model_dump(mode="python"))
        if problems:
            raise ValueError("\n".join(problems))
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

    @property
    def consent_purposes(self) -> tuple[ConsentPurpose, ...]:
        """Everything a parent gives consent for per child: the photo purposes, then the
        exchanges with other organisations."""
        return (*self.photo_purposes, *self.exchange_purposes)

    def consent_purpose(self, key: str) -> ConsentPurpose | None:
        return next((p for p in self.consent_purposes if p.key == key), None)

    def answerable_purposes(self, today: date) -> tuple[ConsentPurpose, ...]:
        """The consent purposes a parent can still answer: every one but an exchange that
        ended before ``today``."""
        return tuple(p for p in self.consent_purposes if not p.ended(today))


_FRIENDLY = {
    "missing": "missing (this field is required)",
    "extra_forbidden": "unknown field (misspelled?)",
}
_PATTERNS = {
    SLUG_PATTERN: "2 to 40 lower-case letters, digits and dashes, starting with a letter or "
    "digit (for example cbs-klimop)",
    KEY_PATTERN: "at most 24 lower-case letters, digits and underscores, starting with a "
    "letter (for example social_media)",
    URL_PATTERN: "a web address that starts with https:// (for example "
    "https://www.school.example/privacy)",
}


def _message(error: ErrorDetails) -> str:
    """What pydantic found, in the words of someone who writes a school config."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    given = error.get("input")
    if kind == "string_pattern_mismatch" and context.get("pattern") in _PATTERNS:
        return f"{given!r} is not allowed here: write {_PATTERNS[context['pattern']]}"
    if kind == "string_too_short":
        return "is empty"
    if kind == "string_too_long":
        return f"is longer than {context.get('max_length')} characters"
    return str(error["msg"]).removeprefix("Value error, ")


def _problems(exc: ValidationError) -> list[str]:
    """Every problem pydantic found, each as ``field: message``."""
    found: list[str] = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        for line in _message(error).splitlines():
            found.append(f"{field}: {line}" if field else line)
    return found


def _read_school(path: Path) -> tuple[SchoolConfig | None, list[str]]:
    """The school in ``path``, or None and every problem found in it."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return None, ["school config not found"]
    except IsADirectoryError:
        return None, ["is a folder, not a school config file"]
    except OSError as exc:
        return None, [f"cannot read the school config ({exc.strerror})"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"not valid TOML ({exc})"]
    try:
        school = SchoolConfig.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc)
        return None, problems + [p for p in reference_problems(data) if p not in problems]
    if school.logo is not None:
        logo = school.logo if school.logo.is_absolute() else path.parent / school.logo
        if logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            return None, [f"logo: {school.logo} is not a PNG or JPEG file"]
        if not logo.is_file():
            return None, [f"logo: {logo} not found"]
        school = school.model_copy(update={"logo": logo})
    return school, []


def _raise(problems: list[str]) -> None:
    if len(problems) == 1:
        raise ConfigError(problems[0])
    raise ConfigError(f"{count(len(problems), 'problem')} in the school config", problems)


def load_school(path: Path) -> SchoolConfig:
    school, problems = _read_school(path)
    if school is None:
        _raise([f"{path}: {problem}" for problem in problems])
    assert school is not None
    return school


def load_schools(path: Path) -> dict[str, SchoolConfig]:
    """Every school config: one TOML file, or every *.toml in a folder.

    Every problem in every file is reported at once (ConfigError with ``problems``).
    """
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        raise ConfigError(f"{path}: no school config (*.toml) in this folder")
    schools: dict[str, SchoolConfig] = {}
    problems: list[str] = []
    for file in files:
        school, found = _read_school(file)
        problems += [f"{file}: {problem}" for problem in found]
        if school is None:
            continue
        if school.slug in schools:
            problems.append(f"{file}: slug: {school.slug!r} is used by another school file")
        schools[school.slug] = school
    if problems:
        _raise(problems)
    return schools
