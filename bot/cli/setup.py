"""privacyloket init and check: the database, the key file, the settings."""

from __future__ import annotations

from bot.cli.arguments import Commands, command
from bot.errors import UserFacingError
from bot.schools.config import load_schools
from bot.services import Services
from bot.settings import Settings


def add_commands(commands: Commands) -> None:
    """privacyloket init and privacyloket check."""
    command(
        commands,
        "init",
        "create or migrate the database; create the key file if needed",
        "Check the settings and school configs, then create (or bring up to date) the "
        "database and, when PRIVACYLOKET_SECRET_KEY is not set and the key file does not exist "
        "yet, write a fresh secret to the key file (PRIVACYLOKET_KEY_FILE, readable only by "
        "you). Safe to run again.",
        "privacyloket init",
    )

    command(
        commands,
        "check",
        "show the settings and school configs, and what is wrong",
        "Print the effective settings (never the token or the secret), the school configs, "
        "and the state of the database and key file; name every problem found. Exits 1 when "
        "something is wrong. Changes nothing.",
        "privacyloket check",
    )


async def initialise(settings: Settings) -> None:
    # Check everything that can be checked before anything is written.
    load_schools(settings.schools)
    if settings.secret_key is not None or settings.key_file.exists():
        settings.keys()
    if not settings.on_postgresql and settings.database_file.is_dir():
        raise UserFacingError(f"{settings.database_file} is a folder, not a database file")
    created = settings.ensure_key_file()
    try:
        services = await Services.start(settings)
    except BaseException:
        if created:
            settings.remove_key_file()  # nothing half-done: no key without its database
        raise
    try:
        version = await services.db.schema_version()
    finally:
        await services.close()
    if created:
        print(
            f"Created the key file {settings.key_file} (readable only by you). Keep a copy "
            "somewhere safe, apart from database backups: without it, codes and stored text "
            "cannot be read."
        )
    print(f"Database {settings.database_name} is ready (schema version {version}).")
    print(f"Schools: {', '.join(sorted(services.schools))}")
