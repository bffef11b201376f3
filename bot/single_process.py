"""One bot process per database: an OS lock held for the life of the process.

Two processes on one SQLite file would both poll Telegram and both run the jobs; the second
``run`` refuses to start instead. The lock (``flock`` on ``<database>.lock``) is released by
the operating system when the process ends, however it ends.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import UserFacingError


class AlreadyRunning(UserFacingError):
    exit_code = 1


@contextmanager
def hold_lock(lock_file: Path, database: Path, *, action: str = "") -> Iterator[None]:
    """Hold the database's lock; AlreadyRunning when a running bot holds it (``action``:
    what the caller wants to do, for the message)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if action:
                raise AlreadyRunning(
                    f"the bot is running on {database} (lock {lock_file}): stop it first, "
                    f"then {action}"
                ) from None
            raise AlreadyRunning(
                f"another privacyloket run is already using the database {database} "
                f"(lock {lock_file}); stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
