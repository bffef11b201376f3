"""Errors that stop a command with one clear line for the person running it."""


class UserFacingError(Exception):
    """A problem the operator can fix; shown as one line, exit code ``exit_code``."""

    exit_code = 1


class ConfigError(UserFacingError):
    exit_code = 2
