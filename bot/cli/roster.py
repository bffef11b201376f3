"""privacyloket import-roster: the roster from the administration system."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.arguments import Commands, command, school_option
from bot.errors import UserFacingError, count
from bot.progress import Progress
from bot.schools.roster import import_roster, parse_roster
from bot.schools.roster_plan import describe, plan_roster
from bot.services import Services
from bot.settings import Settings
from storage import schools


def add_command(commands: Commands) -> None:
    """privacyloket import-roster."""
    roster = command(
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
    school_option(roster)
    roster.add_argument(
        "--dry-run",
        action="store_true",
        help="only show what the import would change (pupils moved up, new and left, "
        "guardians, groups without a teacher using the bot); change nothing",
    )


async def import_roster_file(settings: Settings, args: argparse.Namespace) -> None:
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
