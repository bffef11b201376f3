"""The ``privacyloket`` command: set up, import the roster, print invitations, run the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.app import build_application, intake_of, publish_commands
from bot.errors import UserFacingError
from bot.jobs.audit_anchor import anchor
from bot.schools.invitations import STAFF_ROLES, deep_link, issue_guardian_codes, issue_staff_code
from bot.schools.letters import Letter, write_letters_csv, write_letters_pdf
from bot.schools.roster import RosterError, import_roster, parse_roster
from bot.security import audit
from bot.security.anchor import AnchorFileError, read_anchors
from bot.security.codes import display
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.single_process import hold_lock
from storage.migrations import schema_version

log = logging.getLogger("privacyloket")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privacyloket",
        description="Privacy requests from parents to their child's school, over Telegram. "
        "Settings come from PRIVACYLOKET_* environment variables or a .env file.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "init", help="create or migrate the database; create the key file if needed"
    )

    roster = commands.add_parser("import-roster", help="import or update the school's roster")
    roster.add_argument("file", type=Path, metavar="FILE.csv")
    roster.add_argument("--school", required=True, metavar="SLUG")

    invites = commands.add_parser(
        "invites", help="issue codes to guardians without one and write letters or a CSV"
    )
    invites.add_argument("--school", required=True, metavar="SLUG")
    invites.add_argument("--group", metavar="G", help="only guardians of pupils in this group")
    invites.add_argument("--format", choices=("pdf", "csv"), default="pdf")
    invites.add_argument("--out", required=True, type=Path, metavar="FILE")
    invites.add_argument("--renew", action="store_true", help="replace codes that are still open")
    invites.add_argument("--bot-username", help="default: PRIVACYLOKET_BOT_USERNAME")

    staff = commands.add_parser("staff-invite", help="print a code for a staff member")
    staff.add_argument("--school", required=True, metavar="SLUG")
    staff.add_argument("--role", required=True, choices=STAFF_ROLES)
    staff.add_argument("--name", required=True)
    staff.add_argument(
        "--group", action="append", default=[], metavar="G", help="a group they teach (repeat)"
    )
    staff.add_argument("--bot-username", help="default: PRIVACYLOKET_BOT_USERNAME")

    commands.add_parser("run", help="run the bot (long polling)")

    audit_parser = commands.add_parser("audit", help="check the audit trail")
    audit_commands = audit_parser.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser("verify", help="verify that no audit event was changed or deleted")
    return parser


def _bot_username(args: argparse.Namespace, settings: Settings) -> str:
    username: str | None = args.bot_username or settings.bot_username
    if not username:
        raise UserFacingError(
            "the bot's username is needed for the links: pass --bot-username or set "
            "PRIVACYLOKET_BOT_USERNAME"
        )
    return username.removeprefix("@")


async def _init(settings: Settings) -> None:
    if settings.ensure_key_file():
        print(
            f"Created the key file {settings.key_file} (readable only by you). Keep a copy "
            "somewhere safe, apart from database backups: without it, codes and stored text "
            "cannot be read."
        )
    services = await Services.start(settings)
    try:
        version = await schema_version(services.db.reader)
        print(f"Database {settings.database} is ready (schema version {version}).")
        print(f"Schools: {', '.join(sorted(services.schools))}")
    finally:
        await services.close()


async def _import_roster(settings: Settings, args: argparse.Namespace) -> None:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise UserFacingError(f"{args.file}: {exc.strerror}") from None
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        rows = parse_roster(data, services.clock.now().astimezone(school.tz).date())
        summary = await import_roster(services.db, services.keys, services.clock, school, rows)
    finally:
        await services.close()
    print(
        f"Roster imported for {school.slug}: {summary.added} added, {summary.updated} updated, "
        f"{summary.left} marked as left, {summary.unchanged} unchanged; "
        f"{summary.guardians} guardians."
    )


def _check_writable(path: Path) -> None:
    """Fail before codes are issued, not after: codes exist only in what we write."""
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or path.is_dir():
        raise UserFacingError(f"{path}: cannot write there")


async def _invites(settings: Settings, args: argparse.Namespace) -> None:
    username = _bot_username(args, settings)
    _check_writable(args.out)
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        issued = await issue_guardian_codes(
            services.db,
            services.keys,
            services.clock,
            school,
            days=settings.guardian_code_days,
            group=args.group,
            renew=args.renew,
        )
    finally:
        await services.close()
    letters = [
        Letter(
            guardian_name=item.guardian_name,
            children=item.children,
            code=display(item.code),
            deep_link=deep_link(username, item.code),
            expires=item.expires.astimezone(school.tz).date(),
        )
        for item in issued
    ]
    if not letters:
        print("No new codes: every guardian already has an open one (use --renew to replace).")
        return
    if args.format == "pdf":
        write_letters_pdf(letters, school_name=school.name, bot_username=username, out=args.out)
    else:
        write_letters_csv(letters, args.out)
    print(f"{len(letters)} codes issued; written to {args.out}.")


async def _staff_invite(settings: Settings, args: argparse.Namespace) -> None:
    username = _bot_username(args, settings)
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        issued = await issue_staff_code(
            services.db,
            services.keys,
            services.clock,
            school,
            name=args.name,
            role=args.role,
            groups=args.group,
            days=settings.staff_code_days,
        )
    finally:
        await services.close()
    groups = f" (groups {', '.join(issued.groups)})" if issued.groups else ""
    expires = issued.expires.astimezone(school.tz).strftime("%Y-%m-%d")
    print(f"Code for {issued.name}, {issued.role}{groups} at {school.name}:")
    print(f"  {display(issued.code)}")
    print(f"  {deep_link(username, issued.code)}")
    print(f"Valid until {expires}, once. Hand it over in person.")


async def _audit_verify(settings: Settings) -> int:
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


async def _run(settings: Settings) -> None:
    if settings.bot_token is None:
        raise UserFacingError("no bot token: set PRIVACYLOKET_BOT_TOKEN (from @BotFather)")
    with hold_lock(settings.lock_file, settings.database):
        await _run_locked(settings)


async def _run_locked(settings: Settings) -> None:
    services = await Services.start(settings)
    try:
        application = build_application(services)
        try:
            await application.initialize()
        except InvalidToken:
            raise UserFacingError("the bot token was refused by the Bot API") from None
        except NetworkError as exc:
            raise UserFacingError(
                f"cannot reach the Bot API at {settings.api_base_url} ({exc.message})"
            ) from None
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        intake = intake_of(application)
        # This process holds the database's lock, so any outbox claim left is a dead one's.
        await application.bot_data["dispatcher"].recover()
        try:
            await publish_commands(application)
            await application.start()
            await intake.start()
            log.info("bot is running as @%s", application.bot.username)
            waits = [asyncio.create_task(stop.wait()), asyncio.create_task(intake.failed.wait())]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in waits:
                task.cancel()
            log.info("stopping")
            await intake.stop()
            await application.stop()
            await anchor(services.db, settings.anchor_file, services.clock)
            if intake.failed.is_set():
                raise UserFacingError("the bot token was refused by the Bot API")
        finally:
            await application.shutdown()
    finally:
        await services.close()


def _configure_logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    # Request URLs contain the bot token, and PTB's debug lines contain message texts and
    # updates: those loggers never go below their safe level, whatever LOG_LEVEL says.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        _configure_logging(settings.log_level)
        match args.command:
            case "init":
                asyncio.run(_init(settings))
            case "import-roster":
                asyncio.run(_import_roster(settings, args))
            case "invites":
                asyncio.run(_invites(settings, args))
            case "staff-invite":
                asyncio.run(_staff_invite(settings, args))
            case "audit":
                return asyncio.run(_audit_verify(settings))
            case "run":
                asyncio.run(_run(settings))
    except RosterError as exc:
        print(f"privacyloket: error: {exc}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return exc.exit_code
    except UserFacingError as exc:
        print(f"privacyloket: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0
