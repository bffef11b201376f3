"""Deployment settings, read from PRIVACYLOKET_* environment variables and a .env file."""

from __future__ import annotations

import errno
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError, UserFacingError, count
from bot.security.keys import MIN_SECRET_LENGTH, Keys
from storage.engines import is_postgresql, sqlite_path


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PRIVACYLOKET_", env_file=".env", extra="ignore", frozen=True
    )

    bot_token: SecretStr | None = None
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
    database: str = "privacyloket.db"
    """A SQLite file (a path, or ``sqlite:///path``) or ``postgresql://user@host:port/db``."""
    schools: Path = Path("school.toml")
    api_base_url: str = "https://api.telegram.org"
    secret_key: SecretStr | None = None
    previous_secret_keys: list[SecretStr] = Field(default_factory=list)
    key_file: Path = Path("privacyloket.key")
    audit_anchor_file: Path | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    guardian_code_days: int = Field(default=30, ge=1, le=365)
    staff_code_days: int = Field(default=7, ge=1, le=90)
    webhook_url: str | None = None
    """The public https URL Telegram posts updates to (its path is the path served); when
    set, ``privacyloket run`` serves a webhook instead of polling."""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    """host:port the webhook server binds (behind the reverse proxy)."""

    @field_validator("api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, value: object) -> object:
        if isinstance(value, Path):
            return str(value)
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not value:
            raise ValueError("empty: give a file path or postgresql://user@host:port/db")
        if is_postgresql(value):
            from storage.postgresql import check_url

            check_url(value)
        else:
            sqlite_path(value)  # a ValueError for another scheme
        return value

    @property
    def on_postgresql(self) -> bool:
        return is_postgresql(self.database)

    @property
    def database_file(self) -> Path:
        """The SQLite file (a ValueError on PostgreSQL: there is no file)."""
        if self.on_postgresql:
            raise ValueError("the database is PostgreSQL, not a file")
        return sqlite_path(self.database)

    @property
    def database_name(self) -> str:
        """The database for a message: the file, or the URL without its password."""
        if self.on_postgresql:
            from storage.postgresql import display_url

            return display_url(self.database)
        return str(self.database_file)

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        local = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise ValueError("must be an https:// URL (Telegram posts only over https)")
        if not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be an https URL with a host and a path, without ? or #")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1 to 256 of the characters A-Z a-z 0-9 _ -")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _webhook_listen(cls, value: str) -> str:
        listen_address(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "PRIVACYLOKET_WEBHOOK_SECRET: required with PRIVACYLOKET_WEBHOOK_URL (1 to 256 "
                "of A-Z a-z 0-9 _ -), so that only Telegram can post updates"
            )
        return self

    @property
    def webhook_path(self) -> str:
        """The path the webhook is served on: the path of the public URL."""
        assert self.webhook_url is not None
        return urlsplit(self.webhook_url).path or "/"

    @property
    def listen(self) -> tuple[str, int]:
        return listen_address(self.webhook_listen)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def secret(self) -> bytes:
        """The deployment secret: the setting, else the key file written by ``init``."""
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value().strip()
            if len(value) < MIN_SECRET_LENGTH:
                raise ConfigError(
                    f"PRIVACYLOKET_SECRET_KEY: must be at least {MIN_SECRET_LENGTH} characters"
                )
            return value.encode()
        try:
            value = self.key_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise ConfigError(
                f"no secret key: set PRIVACYLOKET_SECRET_KEY or run 'privacyloket init' "
                f"to create {self.key_file}"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{self.key_file}: cannot read the key file ({exc})") from None
        if len(value) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{self.key_file}: the key file is too short or damaged")
        return value.encode()

    @property
    def anchor_file(self) -> Path:
        """Where the audit chain's head is anchored: the setting, else beside the key file."""
        if self.audit_anchor_file is not None:
            return self.audit_anchor_file
        return self.key_file.with_name(self.key_file.name + ".anchor")

    @property
    def lock_file(self) -> Path:
        """Held by the running bot, so that a second one on the same SQLite file refuses."""
        path = self.database_file
        return path.with_name(path.name + ".lock")

    def keys(self) -> Keys:
        previous = tuple(k.get_secret_value().strip().encode() for k in self.previous_secret_keys)
        try:
            return Keys.derive(self.secret(), previous)
        except ValueError as exc:
            raise ConfigError(f"PRIVACYLOKET_PREVIOUS_SECRET_KEYS: {exc}") from None

    def ensure_key_file(self) -> bool:
        """Create the key file with a fresh secret when none is configured. True if created.

        Written in full or not at all: a failed write (read-only folder, full disk) leaves
        no file behind and stops with one line.
        """
        if self.secret_key is not None or self.key_file.exists():
            return False
        try:
            self.key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise UserFacingError(
                f"{self.key_file}: cannot write the key file ({exc.strerror})"
            ) from None
        data = (secrets.token_urlsafe(48) + "\n").encode("ascii")
        try:
            try:
                if os.write(fd, data) != len(data):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.key_file.unlink(missing_ok=True)
            raise UserFacingError(
                f"{self.key_file}: cannot write the key file ({exc.strerror}); nothing was written"
            ) from None
        return True

    def remove_key_file(self) -> None:
        """Undo :meth:`ensure_key_file` when the rest of ``init`` failed."""
        self.key_file.unlink(missing_ok=True)

    @property
    def health_file(self) -> Path:
        """Touched by a running bot while it polls and can write its database: beside the
        SQLite file, or (PostgreSQL, where several workers share the database) in the
        process's temporary folder."""
        if self.on_postgresql:
            return Path(tempfile.gettempdir()) / "privacyloket.health"
        path = self.database_file
        return path.with_name(path.name + ".health")


_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def listen_address(value: str) -> tuple[str, int]:
    """(host, port) of ``host:port`` (``[::1]:8080`` for IPv6); a ValueError otherwise."""
    host, sep, port = value.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("must be host:port, for example 127.0.0.1:8080 or 0.0.0.0:8080")
    return host, int(port)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            (f"PRIVACYLOKET_{str(error['loc'][0]).upper()}: " if error["loc"] else "")
            + error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        ]
        if len(problems) == 1:
            raise ConfigError(problems[0]) from None
        raise ConfigError(f"{count(len(problems), 'problem')} in the settings", problems) from None
