"""The ``privacyloket`` command: set up, import the roster, print invitations, run the bot.

Each command lives in the module named for what it does; this module puts them on one
command line and turns their errors into messages and exit codes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from bot.check import run_check
from bot.cli import database, demo, letters, roster, running, setup, staff
from bot.cli.arguments import FORMATTER
from bot.cli.logs import configure_logging
from bot.errors import UserFacingError
from bot.settings import Settings, load_settings
from storage.db import DatabaseUnavailable, is_database_error
from storage.engines import describe_error

# The Telegram, HTTP and PDF libraries are imported by the commands that use them, so
# that every other command (and every error) answers at once.


def _version() -> str:
    try:
        return version("privacyloket")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privacyloket",
        description="Privacy requests from parents to their child's school, over Telegram. "
        "Settings come from PRIVACYLOKET_* environment variables or a .env file; "
        "'privacyloket check' shows them.",
        epilog="example:\n  privacyloket init\n  privacyloket check",
        formatter_class=FORMATTER,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"privacyloket {_version()}",
        help="show the version",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo.add_command(commands)
    setup.add_commands(commands)
    roster.add_command(commands)
    letters.add_commands(commands)
    staff.add_commands(commands)
    running.add_commands(commands)
    database.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        if args.command == "check":
            return run_check(sys.stdout)
        if args.command == "demo":
            return demo.serve_demo(args)
        settings = load_settings()
        configure_logging(settings.log_level)
        match args.command:
            case "init":
                asyncio.run(setup.initialise(settings))
            case "import-roster":
                asyncio.run(roster.import_roster_file(settings, args))
            case "invites":
                asyncio.run(letters.write_invites(settings, args))
            case "consent-letters":
                asyncio.run(letters.write_consent_letters(settings, args))
            case "staff-invite":
                asyncio.run(staff.invite_staff(settings, args))
            case "staff":
                asyncio.run(staff.manage_staff(settings, args))
            case "audit":
                return asyncio.run(database.verify_audit(settings))
            case "migrate-database":
                return database.migrate_database(settings, args.to)
            case "health":
                return running.check_health(settings, args.max_age)
            case "run":
                asyncio.run(running.run_bot(settings))
    except UserFacingError as exc:
        _error(str(exc), exc.problems)
        return exc.exit_code
    except DatabaseUnavailable as exc:
        _error(str(exc))
        return 1
    except Exception as exc:
        if not is_database_error(exc):
            raise
        # A unit of work that failed was rolled back: nothing is half-written.
        _error(describe_error(settings.database if settings else "database", exc))
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _error(message: str, problems: Sequence[str] = ()) -> None:
    print(f"privacyloket: error: {message}", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
