"""Errors that stop a command with one clear line for the person running it."""

from __future__ import annotations


class UserFacingError(Exception):
    """A problem the operator can fix; shown as one line, exit code ``exit_code``.

    ``problems``, when given, are listed below that line, one per line.
    """

    exit_code = 1

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class ConfigError(UserFacingError):
    exit_code = 2


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
