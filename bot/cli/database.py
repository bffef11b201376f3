"""privacyloket migrate-database and audit verify: the database as a whole."""

from __future__ import annotations

import asyncio
import sys

from bot.cli.arguments import Commands, command
from bot.errors import ConfigError, UserFacingError
from bot.security import audit
from bot.security.anchor import AnchorFileError, read_anchors
from bot.services import Services
from bot.settings import Settings
from bot.single_process import hold_lock


def add_commands(commands: Commands) -> None:
    """privacyloket migrate-database and privacyloket audit verify."""
    migrate = command(
        commands,
        "migrate-database",
        "copy this SQLite deployment into an empty PostgreSQL database",
        "Copy everything the bot keeps in the SQLite database (PRIVACYLOKET_DATABASE) into an "
        "empty PostgreSQL database, in one transaction, then verify the row count of every "
        "table and the audit trail on the copy, and print both. Stop the bot first: a "
        "running bot refuses the copy. Then set PRIVACYLOKET_DATABASE to the URL and start "
        "the bot (as many workers as you like). The SQLite file is left as it was.",
        "privacyloket migrate-database --to postgresql://privacyloket@db.example:5432/privacyloket",
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the empty PostgreSQL database: postgresql://user@host:port/db",
    )

    audit_parser = command(
        commands,
        "audit",
        "check the audit trail",
        "Commands for the audit trail, the record of every change.",
        "privacyloket audit verify",
    )
    audit_commands = audit_parser.add_subparsers(
        dest="audit_command", required=True, metavar="COMMAND"
    )
    command(
        audit_commands,
        "verify",
        "verify that no audit event was changed or deleted",
        "Check the chain of audit events; exits 1 and names the first event that was changed "
        "or deleted.",
        "privacyloket audit verify",
    )


async def verify_audit(settings: Settings) -> int:
    try:
        anchors = read_anchors(settings.anchor_file)
    except AnchorFileError as exc:
        raise UserFacingError(str(exc)) from None
    services = await Services.start(settings)
    try:
        result = await audit.verify(services.db.reader, services.keys.audit, anchors)
    finally:
        await services.close()
    if result.ok:
        vouched = (
            f"; the anchor file vouches for events up to {result.anchored}"
            if result.anchored
            else f"; no anchor in {settings.anchor_file} yet"
        )
        print(f"Audit trail intact: {result.checked} events verified{vouched}.")
        return 0
    print(
        f"Audit trail broken at event {result.first_bad}: {result.problem} "
        f"({result.checked} events before it are intact).",
        file=sys.stderr,
    )
    return 1


def migrate_database(settings: Settings, url: str) -> int:
    from storage.postgresql import check_url, display_url

    if settings.on_postgresql:
        raise UserFacingError(
            f"PRIVACYLOKET_DATABASE is {settings.database_name} already: migrate-database "
            "copies a SQLite database into PostgreSQL"
        )
    try:
        check_url(url)
    except ValueError as exc:
        raise ConfigError(f"--to: {exc}") from None
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("--to: give a postgresql://user@host:port/db URL")
    if not settings.database_file.is_file():
        raise UserFacingError(f"{settings.database_file} does not exist: nothing to copy")
    print(f"Copying {settings.database_file} into {display_url(url)}. The bot must be stopped.")
    with hold_lock(settings.lock_file, settings.database_file, action="copy it"):
        return asyncio.run(_copy_database(settings, url))


async def _copy_database(settings: Settings, url: str) -> int:
    from storage.postgresql import PostgresDatabase
    from storage.sqlite import SqliteDatabase
    from storage.transfer import TargetNotEmpty, copy_to_postgresql

    anchors = read_anchors(settings.anchor_file)
    keys = settings.keys()
    source = SqliteDatabase(settings.database_file)
    target = PostgresDatabase(url)
    await source.open()
    try:
        await target.open()
        try:
            try:
                copied = await copy_to_postgresql(source, target)
            except TargetNotEmpty as exc:
                raise UserFacingError(
                    f"{target.name} is not empty (rows in {exc}): copy into an empty database"
                ) from None
            result = await audit.verify(target.reader, keys.audit, anchors)
        finally:
            await target.close()
    finally:
        await source.close()
    width = max(len(c.table) for c in copied)
    print(f"{'table':<{width}}  {'SQLite':>9}  {'PostgreSQL':>10}")
    for c in copied:
        mark = "" if c.source == c.target else "  DIFFERENT"
        print(f"{c.table:<{width}}  {c.source:>9}  {c.target:>10}{mark}")
    same = all(c.source == c.target for c in copied)
    print(
        f"Rows: {sum(c.target for c in copied)} in {len(copied)} tables, "
        + ("the same on both sides." if same else "NOT the same on both sides.")
    )
    if result.ok:
        vouched = f"; the anchor file vouches for events up to {result.anchored}"
        print(
            f"Audit trail on {target.name}: intact, {result.checked} events verified"
            + (vouched if result.anchored else "")
            + "."
        )
    else:
        print(
            f"Audit trail on {target.name}: broken at event {result.first_bad}: {result.problem}.",
            file=sys.stderr,
        )
    if not (same and result.ok):
        return 1
    print(f"Done. Set PRIVACYLOKET_DATABASE={target.name} (with its password) and start the bot.")
    return 0
