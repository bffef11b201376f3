"""The ``privacyloket`` command: set up, import the roster, print invitations, run the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.check import run_check
from bot.domain.model import RefusalReason, Refused
from bot.errors import ConfigError, UserFacingError, count
from bot.progress import Progress
from bot.schools.config import load_schools
from bot.schools.invitations import (
    STAFF_ROLES,
    deep_link,
    issue_codes_for,
    issue_guardian_codes,
    issue_staff_code,
    staff_groups_text,
)
from bot.schools.roster import import_roster, parse_roster
from bot.schools.roster_plan import describe, plan_roster
from bot.schools.staff_table import group_name, staff_table
from bot.security import audit
from bot.security.anchor import AnchorFileError, read_anchors
from bot.security.codes import display
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.single_process import hold_lock
from storage import bot_state, schools
from storage.db import DatabaseUnavailable, describe_error, is_database_error

# The Telegram, HTTP and PDF libraries are imported by the commands that use them, so
# that every other command (and every error) answers at once.

log = logging.getLogger("privacyloket")

HEARTBEAT_INTERVAL = 30.0
"""Seconds between two confirmations that the bot polls and can write its database."""
HEALTH_MAX_AGE = 120
DEMO_PORT = 8765


def _version() -> str:
    try:
        return version("privacyloket")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


_F = argparse.RawDescriptionHelpFormatter


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
    example: str,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"example:\n  {example}",
        formatter_class=_F,
    )


def _school_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--school",
        required=True,
        metavar="SLUG",
        help="the school's slug, as in its config file (slug = ...)",
    )


def _bot_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's username for the links (default: PRIVACYLOKET_BOT_USERNAME)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privacyloket",
        description="Privacy requests from parents to their child's school, over Telegram. "
        "Settings come from PRIVACYLOKET_* environment variables or a .env file; "
        "'privacyloket check' shows them.",
        epilog="example:\n  privacyloket init\n  privacyloket check",
        formatter_class=_F,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"privacyloket {_version()}",
        help="show the version",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _command(
        commands,
        "demo",
        "try the whole school in a web page, without Telegram",
        "Start a throw-away demo school (cbs Klimop, with its roster and staff) and the real "
        "bot, talking to a Telegram emulator on this computer, and serve a page that shows "
        "two parents', the teacher's and the head teacher's chats side by side. It needs no "
        "token, no settings and no network; it prints the address and the parents' codes. "
        "Ctrl-C stops it and removes everything, unless --keep is given.",
        "privacyloket demo --port 8765 --lang en",
    )
    demo.add_argument(
        "--port",
        type=int,
        default=DEMO_PORT,
        metavar="PORT",
        help=f"serve the page on http://127.0.0.1:PORT (default {DEMO_PORT})",
    )
    demo.add_argument(
        "--lang",
        choices=("nl", "en"),
        default="nl",
        help="the page's language and the staff's (default nl; the parents are one of each)",
    )
    demo.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the demo's database and key in this new or empty folder",
    )

    _command(
        commands,
        "init",
        "create or migrate the database; create the key file if needed",
        "Check the settings and school configs, then create (or bring up to date) the "
        "database and, when PRIVACYLOKET_SECRET_KEY is not set and the key file does not exist "
        "yet, write a fresh secret to the key file (PRIVACYLOKET_KEY_FILE, readable only by "
        "you). Safe to run again.",
        "privacyloket init",
    )

    _command(
        commands,
        "check",
        "show the settings and school configs, and what is wrong",
        "Print the effective settings (never the token or the secret), the school configs, "
        "and the state of the database and key file; name every problem found. Exits 1 when "
        "something is wrong. Changes nothing.",
        "privacyloket check",
    )

    roster = _command(
        commands,
        "import-roster",
        "import or update the school's roster",
        "Import the roster exported from the administration system: one row per pupil and "
        "guardian, as CSV or an Excel workbook, with English or Dutch column names (see "
        "'Roster format' in the README). Importing again updates changed rows; pupils "
        "missing from the file are marked as left, and for a pupil who left with photo "
        "consent for a public purpose a takedown task goes to their teacher. A bad row "
        "rejects the whole file, with every problem listed. Use --dry-run first at the "
        "start of a school year.",
        "privacyloket import-roster roster.xlsx --school cbs-klimop --dry-run",
    )
    roster.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="the roster: CSV (UTF-8, or as Excel saves it) or an Excel workbook (.xlsx)",
    )
    _school_option(roster)
    roster.add_argument(
        "--dry-run",
        action="store_true",
        help="only show what the import would change (pupils moved up, new and left, "
        "guardians, groups without a teacher using the bot); change nothing",
    )

    invites = _command(
        commands,
        "invites",
        "issue codes to guardians without one and write letters and/or a CSV",
        "Issue a one-time code to every guardian of a current pupil who has no open code, and "
        "write them as printable letters (PDF, one A4 page per guardian, Dutch and English) "
        "and/or as a CSV for a mail merge. The codes exist only in these files: write both "
        "in one run if you need both, print them, then delete the files.",
        "privacyloket invites --school cbs-klimop --out letters.pdf --csv letters.csv",
    )
    _school_option(invites)
    invites.add_argument("--group", metavar="G", help="only guardians of pupils in this group")
    invites.add_argument(
        "--out", type=Path, metavar="FILE", help="write the letters here (PDF, or CSV for .csv)"
    )
    invites.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        dest="csv_out",
        help="also (or only) write a CSV for a mail merge: name, e-mail, language, children, "
        "code, link, expiry",
    )
    invites.add_argument(
        "--format",
        choices=("pdf", "csv"),
        help="the format of --out (default: from its extension, else pdf)",
    )
    invites.add_argument(
        "--renew",
        action="store_true",
        help="also replace codes that are still open (the old letters stop working)",
    )
    _bot_option(invites)

    letters = _command(
        commands,
        "consent-letters",
        "print a consent round's paper forms for parents the bot cannot reach",
        "Write one A4 page per child for every parent or guardian a consent round cannot "
        "reach in the bot (not linked, or blocked it) and who has not answered yet: the "
        "round's purposes with the school's description, Yes and No boxes, a line to sign, "
        "and a QR code to answer in the bot instead (with a new invitation code for a "
        "parent who is not linked; their earlier codes keep working). In the parent's "
        "language, sorted per group for handing out. Record a returned form in the bot "
        "(the child's screen in the consent list: Record a paper answer).",
        "privacyloket consent-letters --school cbs-klimop --round 1 --out forms.pdf",
    )
    _school_option(letters)
    letters.add_argument(
        "--round", type=int, required=True, metavar="N", help="the round's number at the school"
    )
    letters.add_argument(
        "--out",
        type=Path,
        metavar="FILE.pdf",
        help="where to write the forms (default: consent-letters-round-N.pdf)",
    )
    _bot_option(letters)

    staff = _command(
        commands,
        "staff-invite",
        "print a code for a staff member",
        "Create a staff member and print their one-time code and link. A teacher sees the "
        "requests of their groups; the director and the privacy officer see the whole school "
        "(they take no --group).",
        'privacyloket staff-invite --school cbs-klimop --role teacher --name "Anna de Wit" '
        "--group 3",
    )
    _school_option(staff)
    staff.add_argument("--role", required=True, choices=STAFF_ROLES, help="their role")
    staff.add_argument("--name", required=True, help="their name, as staff and parents see it")
    staff.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="G",
        help="a group they teach (teachers only; repeat for several)",
    )
    _bot_option(staff)

    staff_admin = _command(
        commands,
        "staff",
        "list the staff, end someone's access, change a teacher's groups",
        "Who is on the staff (role, groups, whether their Telegram is linked, when they were "
        "last active, their open requests); 'remove' ends a staff member's access at once "
        "(their Telegram link, their codes, the notices still waiting for them) and hands "
        "their open requests to the group's teacher or the head teacher; 'groups' sets the "
        "groups a teacher teaches from now on. A school always keeps one head teacher. For a "
        "new phone, run staff-invite again with the same name.",
        'privacyloket staff groups --school cbs-klimop "Anna de Wit" --set 4',
    )
    staff_actions = staff_admin.add_subparsers(
        dest="staff_action", required=True, metavar="ACTION"
    )
    listing = _command(
        staff_actions,
        "list",
        "who is on the staff",
        "Every staff member of the school: role and groups, whether their Telegram is "
        "linked, when they last did something, and how many open requests they hold.",
        "privacyloket staff list --school cbs-klimop",
    )
    _school_option(listing)
    removing = _command(
        staff_actions,
        "remove",
        "end a staff member's access",
        "End a staff member's access at once: their Telegram link, their unused codes and the "
        "notices still waiting for them. Their open requests go to the group's teacher who "
        "uses the bot, else the head teacher, who are told. The school's only head teacher "
        "cannot be removed.",
        'privacyloket staff remove --school cbs-klimop "Anna de Wit"',
    )
    _school_option(removing)
    removing.add_argument("name", metavar="NAME", help="their name, as in 'staff list'")
    regrouping = _command(
        staff_actions,
        "groups",
        "set the groups a teacher teaches",
        "Set every group a teacher teaches from now on. Open requests about children in a "
        "group they no longer teach go to that group's teacher (or the head teacher).",
        'privacyloket staff groups --school cbs-klimop "Anna de Wit" --set 4 5',
    )
    _school_option(regrouping)
    regrouping.add_argument("name", metavar="NAME", help="their name, as in 'staff list'")
    regrouping.add_argument(
        "--set",
        dest="groups",
        nargs="+",
        required=True,
        metavar="G",
        help="every group they teach from now on",
    )

    _command(
        commands,
        "run",
        "run the bot (long polling)",
        "Run the bot until stopped (Ctrl-C or SIGTERM): it fetches updates from the Bot API "
        "at PRIVACYLOKET_API_BASE_URL with the token PRIVACYLOKET_BOT_TOKEN, or, when "
        "PRIVACYLOKET_WEBHOOK_URL is set, serves a webhook on PRIVACYLOKET_WEBHOOK_LISTEN that "
        "Telegram posts updates to (with /healthz and /readyz). While it polls and can write "
        "its database it touches a health file beside the database ('privacyloket health' "
        "reads it, or asks /healthz in webhook mode). On a PostgreSQL database any number of "
        "'run' processes work together.",
        "PRIVACYLOKET_BOT_TOKEN=123456:your-token privacyloket run",
    )

    health = _command(
        commands,
        "health",
        "exit 0 when the running bot is polling and can write its database",
        "For a container health check: succeeds when the running bot has recently confirmed "
        "that it is polling and that its database is writable, or (webhook mode) when its "
        "/healthz answers.",
        "privacyloket health",
    )
    health.add_argument(
        "--max-age",
        type=int,
        default=HEALTH_MAX_AGE,
        metavar="SECONDS",
        help=f"how old the last confirmation may be (default {HEALTH_MAX_AGE})",
    )

    migrate = _command(
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

    audit_parser = _command(
        commands,
        "audit",
        "check the audit trail",
        "Commands for the audit trail, the record of every change.",
        "privacyloket audit verify",
    )
    audit_commands = audit_parser.add_subparsers(
        dest="audit_command", required=True, metavar="COMMAND"
    )
    _command(
        audit_commands,
        "verify",
        "verify that no audit event was changed or deleted",
        "Check the chain of audit events; exits 1 and names the first event that was changed "
        "or deleted.",
        "privacyloket audit verify",
    )
    return parser


def _bot_username(args: argparse.Namespace, settings: Settings) -> str:
    username: str | None = args.bot_username or settings.bot_username
    if not username:
        raise ConfigError(
            "the bot's username is needed for the links: pass --bot-username or set "
            "PRIVACYLOKET_BOT_USERNAME"
        )
    return username.removeprefix("@")


async def _init(settings: Settings) -> None:
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


async def _import_roster(settings: Settings, args: argparse.Namespace) -> None:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise UserFacingError(f"{args.file}: {exc.strerror}") from None
    if args.dry_run and not settings.on_postgresql and not settings.database_file.exists():
        raise UserFacingError(
            f"{settings.database_file} does not exist yet: run 'privacyloket init' first"
        )
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        rows = parse_roster(data, services.clock.now().astimezone(school.tz).date())
        if args.dry_run:
            reader = services.db.reader
            school_id = await schools.find_id(reader, school.slug)
            plan = await plan_roster(reader, services.keys, school, school_id, rows)
        else:
            with Progress("Importing pupils") as progress:
                plan = await import_roster(
                    services.db, services.keys, services.clock, school, rows, progress
                )
    finally:
        await services.close()
    if args.dry_run:
        print(f"Dry run for {school.slug}: nothing was changed. Importing {args.file.name} would:")
    else:
        print(
            f"Roster imported for {school.slug}: {plan.added} added, {plan.updated} updated, "
            f"{plan.left} marked as left, {plan.unchanged} unchanged; "
            f"{count(plan.guardians, 'guardian')}."
        )
    for line in describe(plan, school, names=args.dry_run):
        print(line)
    if args.dry_run:
        print("Nothing was changed: run the same command without --dry-run to import.")
    elif plan.groups_without_teacher:
        print(
            "Give teachers their groups with 'privacyloket staff groups', or invite them with "
            "'privacyloket staff-invite'."
        )


def _check_writable(path: Path) -> None:
    """Fail before codes are issued, not after: codes exist only in what we write."""
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or path.is_dir():
        raise UserFacingError(f"{path}: cannot write there")


def _outputs(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """(PDF file, CSV file) to write, from --out, --format and --csv."""
    if args.out is None and args.csv_out is None:
        raise UserFacingError("say where to write the codes: --out FILE.pdf and/or --csv FILE")
    pdf: Path | None = None
    csv_file: Path | None = args.csv_out
    if args.out is not None:
        kind = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "pdf")
        if kind == "pdf":
            pdf = args.out
        elif csv_file is not None:
            raise UserFacingError("--out is a CSV and --csv is given too: choose one")
        else:
            csv_file = args.out
    if pdf is not None and csv_file is not None and pdf.resolve() == csv_file.resolve():
        raise UserFacingError("--out and --csv name the same file")
    for path in (pdf, csv_file):
        if path is not None:
            _check_writable(path)
    return pdf, csv_file


async def _invites(settings: Settings, args: argparse.Namespace) -> None:
    from bot.schools.letters import Letter, LetterSchool, write_letters_csv, write_letters_pdf

    username = _bot_username(args, settings)
    pdf, csv_file = _outputs(args)
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        with Progress("Issuing codes") as progress:
            issued = await issue_guardian_codes(
                services.db,
                services.keys,
                services.clock,
                school,
                days=settings.guardian_code_days,
                group=args.group,
                renew=args.renew,
                progress=progress,
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
            guardian_email=item.email,
            guardian_language=item.language,
            groups=item.groups,
        )
        for item in issued
    ]
    if not letters:
        print(
            "No new codes: every guardian uses the bot or has an open code (use --renew to "
            "replace them)."
        )
        return
    written: list[str] = []
    target = csv_file or pdf
    try:
        if csv_file is not None:
            target = csv_file
            write_letters_csv(letters, csv_file)
            written.append(str(csv_file))
        if pdf is not None:
            target = pdf
            with Progress("Writing letters") as progress:
                write_letters_pdf(
                    letters,
                    school=LetterSchool.from_config(school, services.clock.now()),
                    bot_username=username,
                    out=pdf,
                    progress=progress,
                )
            written.append(str(pdf))
    except OSError as exc:
        # The codes exist only in these files: without them, they must be issued again.
        for path in (csv_file, pdf):
            if path is not None and str(path) not in written:
                path.unlink(missing_ok=True)
        where = (
            f"are only in {' and '.join(written)}"
            if written
            else "are in no file: free the space, then run again with --renew"
        )
        raise UserFacingError(
            f"{target}: cannot write ({exc.strerror or exc}); the {len(letters)} codes just "
            f"issued {where}"
        ) from None
    print(f"{count(len(letters), 'code')} issued; written to {' and '.join(written)}.")


async def _consent_letters(settings: Settings, args: argparse.Namespace) -> None:
    from bot.domain.rounds.paper import letters_for
    from bot.schools.consent_letters import Page, write_consent_letters_pdf

    username = _bot_username(args, settings)
    out: Path = args.out or Path(f"consent-letters-round-{args.round}.pdf")
    _check_writable(out)
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        today = services.clock.now().astimezone(school.tz).date()
        try:
            letters = await letters_for(
                services.db, services.cipher, services.school_by_id, school.slug, args.round, today
            )
        except LookupError:
            raise UserFacingError(
                f"--round {args.round}: {school.slug} has no consent round with that number"
            ) from None
        if not letters:
            print(
                f"No forms to print: every parent in round {args.round} of {school.slug} "
                "is reached in the bot or has answered."
            )
            return
        unlinked = [letter.guardian_id for letter in letters if not letter.linked]
        codes = await issue_codes_for(
            services.db,
            services.keys,
            services.clock,
            school,
            unlinked,
            days=settings.guardian_code_days,
        )
    finally:
        await services.close()
    pages = [
        Page(
            letter,
            deep_link(username, codes[letter.guardian_id][0])
            if letter.guardian_id in codes
            else f"https://t.me/{username}",
            display(codes[letter.guardian_id][0]) if letter.guardian_id in codes else None,
            codes[letter.guardian_id][1].astimezone(school.tz).date()
            if letter.guardian_id in codes
            else None,
        )
        for letter in letters
    ]
    try:
        with Progress("Writing forms") as progress:
            write_consent_letters_pdf(
                pages,
                school=school.name,
                printed=today,
                bot_username=username,
                out=out,
                progress=progress,
            )
    except OSError as exc:
        raise UserFacingError(
            f"{out}: cannot write ({exc.strerror or exc}); the {len(codes)} codes just "
            "issued are in no file: run the command again"
        ) from None
    guardians = len({letter.guardian_id for letter in letters})
    print(
        f"{count(len(pages), 'form')} for {count(guardians, 'parent')} written to {out} "
        f"({count(len(codes), 'new code')}). Print them and delete the file."
    )


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
    groups = f" ({staff_groups_text(issued.groups)})" if issued.groups else ""
    expires = issued.expires.astimezone(school.tz).strftime("%Y-%m-%d")
    if not issued.new_member:
        print(
            f"{issued.name} is already on the staff: this is a new code for the same person "
            "(a new phone). Their earlier codes no longer work, and the Telegram account "
            "they used is unlinked once this code is used."
        )
    print(f"Code for {issued.name}, {issued.role.replace('_', ' ')}{groups} at {school.name}:")
    print(f"  {display(issued.code)}")
    print(f"  {deep_link(username, issued.code)}")
    print(f"Valid until {expires}, once. Hand it over in person.")


async def _staff(settings: Settings, args: argparse.Namespace) -> None:
    services = await Services.start(settings)
    try:
        school = services.school(args.school)
        school_id = next(i for i, c in services.school_by_id.items() if c is school)
        membership = services.staff_membership
        if args.staff_action == "list":
            print(staff_table(await membership.entries(school_id), school))
            return
        found = await membership.by_name(school_id, args.name)
        if len(found) != 1:
            known = ", ".join(e.member.name for e in await membership.entries(school_id))
            raise UserFacingError(
                f"{args.name!r} is not on the staff of {school.slug} (staff: {known or 'none'})"
                if not found
                else f"{len(found)} staff members of {school.slug} are called {args.name!r}"
            )
        member = found[0]
        try:
            if args.staff_action == "remove":
                moved = await membership.remove(school_id, member.id, actor="cli")
                print(f"{member.name} no longer has access to Privacyloket at {school.name}.")
            else:
                moved = await membership.set_groups(
                    school_id, member.id, [group_name(g) for g in args.groups], actor="cli"
                )
                print(f"{member.name} now teaches {staff_groups_text(args.groups)}.")
        except Refused as exc:
            raise UserFacingError(_staff_refusal(exc.reason, member.name, args)) from None
        for case in moved:
            print(f"  request {case.number} now goes to {case.to_name or 'the head teacher'}")
    finally:
        await services.close()


def _staff_refusal(reason: RefusalReason, name: str, args: argparse.Namespace) -> str:
    if reason is RefusalReason.LAST_DIRECTOR:
        return (
            f"{name} is the school's only head teacher: invite the new head teacher first "
            "(staff-invite --role director), then remove them"
        )
    if args.staff_action == "groups":
        return (
            f"{name} is not a teacher, or a group in {' '.join(args.groups)} does not exist "
            "at the school: groups are set for teachers, with the groups of the roster"
        )
    return f"{name} is not on the staff of {args.school}"


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


def _migrate_database(settings: Settings, url: str) -> int:
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


async def _heartbeat(services: Services, polling: Callable[[], bool]) -> None:
    """While the bot polls and its database takes a write, touch the health file."""
    path = services.settings.health_file
    while True:
        try:
            if polling():
                # A real write (a timestamp, nothing personal) proves the disk takes one.
                async with services.db.transaction() as conn:
                    await bot_state.save(
                        conn, "health", "heartbeat", services.clock.now().isoformat().encode()
                    )
                path.write_text(services.clock.now().isoformat() + "\n", encoding="ascii")
        except Exception as exc:
            if not (isinstance(exc, OSError) or is_database_error(exc)):
                raise
            log.warning("health check failed: %s", type(exc).__name__)
        await asyncio.sleep(HEARTBEAT_INTERVAL)


async def _run(settings: Settings) -> None:
    if settings.bot_token is None:  # a missing setting, like a bad one: exit code 2
        raise ConfigError("no bot token: set PRIVACYLOKET_BOT_TOKEN (from @BotFather)")
    if settings.on_postgresql:
        # Any number of workers share a PostgreSQL database.
        await _run_locked(settings)
        return
    with hold_lock(settings.lock_file, settings.database_file):
        await _run_locked(settings)


async def _run_locked(settings: Settings) -> None:
    from bot.runtime import running

    services = await Services.start(settings)
    try:
        async with running(services) as bot:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            intake = bot.intake
            heartbeat = asyncio.create_task(
                _heartbeat(services, lambda: intake.running and not intake.failed.is_set())
            )
            try:
                log.info("bot is running as @%s", bot.application.bot.username)
                waits = [
                    asyncio.create_task(stop.wait()),
                    asyncio.create_task(intake.failed.wait()),
                ]
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                for task in waits:
                    task.cancel()
                log.info("stopping")
            finally:
                heartbeat.cancel()
                settings.health_file.unlink(missing_ok=True)
        if intake.failed.is_set():
            raise UserFacingError("the bot token was refused by the Bot API")
    finally:
        await services.close()


def _demo(args: argparse.Namespace) -> int:
    """The demo reads no settings: it makes its own school in a folder of its own."""
    from bot.demo.run import run_demo

    if not 0 < args.port < 65536:
        raise UserFacingError(f"--port {args.port}: choose a port from 1 to 65535")
    _configure_logging("WARNING")
    run_demo(args.port, args.lang, args.keep, sys.stdout)
    return 0


def _health(settings: Settings, max_age: int) -> int:
    if settings.webhook_url is not None:
        return _webhook_health(settings)
    try:
        age = time.time() - settings.health_file.stat().st_mtime
    except FileNotFoundError:
        print(f"unhealthy: the bot is not running ({settings.health_file} is missing)")
        return 1
    if age > max_age:
        print(f"unhealthy: no confirmation from the bot for {age:.0f} s")
        return 1
    print(f"healthy: polling, database writable ({age:.0f} s ago)")
    return 0


def _webhook_health(settings: Settings) -> int:
    """Webhook mode: the running bot's own /healthz answers."""
    import urllib.error
    import urllib.request

    host, port = settings.listen
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url} does not answer ({type(exc).__name__})")
        return 1
    print(f"healthy: {url} answers" if ok else f"unhealthy: {url} answers, but not 200")
    return 0 if ok else 1


def _configure_logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    # Request URLs contain the bot token, PTB's debug lines contain message texts and
    # updates, and aiosqlite's the parameters of every query: those loggers never go below
    # their safe level, whatever LOG_LEVEL says.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting, per glyph


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings: Settings | None = None
    try:
        if args.command == "check":
            return run_check(sys.stdout)
        if args.command == "demo":
            return _demo(args)
        settings = load_settings()
        _configure_logging(settings.log_level)
        match args.command:
            case "init":
                asyncio.run(_init(settings))
            case "import-roster":
                asyncio.run(_import_roster(settings, args))
            case "invites":
                asyncio.run(_invites(settings, args))
            case "consent-letters":
                asyncio.run(_consent_letters(settings, args))
            case "staff-invite":
                asyncio.run(_staff_invite(settings, args))
            case "staff":
                asyncio.run(_staff(settings, args))
            case "audit":
                return asyncio.run(_audit_verify(settings))
            case "migrate-database":
                return _migrate_database(settings, args.to)
            case "health":
                return _health(settings, args.max_age)
            case "run":
                asyncio.run(_run(settings))
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
