"""privacyloket invites and consent-letters: codes and forms on paper for parents."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bot.cli.arguments import Commands, bot_option, bot_username, command, school_option
from bot.errors import UserFacingError, count
from bot.progress import Progress
from bot.schools.invitations import deep_link, issue_codes_for, issue_guardian_codes
from bot.security.codes import display
from bot.services import Services
from bot.settings import Settings


def add_commands(commands: Commands) -> None:
    """privacyloket invites and privacyloket consent-letters."""
    invites = command(
        commands,
        "invites",
        "issue codes to guardians without one and write letters and/or a CSV",
        "Issue a one-time code to every guardian of a current pupil who has no open code, and "
        "write them as printable letters (PDF, one A4 page per guardian, Dutch and English) "
        "and/or as a CSV for a mail merge. The codes exist only in these files: write both "
        "in one run if you need both, print them, then delete the files.",
        "privacyloket invites --school cbs-klimop --out letters.pdf --csv letters.csv",
    )
    school_option(invites)
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
    bot_option(invites)

    letters = command(
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
    school_option(letters)
    letters.add_argument(
        "--round", type=int, required=True, metavar="N", help="the round's number at the school"
    )
    letters.add_argument(
        "--out",
        type=Path,
        metavar="FILE.pdf",
        help="where to write the forms (default: consent-letters-round-N.pdf)",
    )
    bot_option(letters)


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


async def write_invites(settings: Settings, args: argparse.Namespace) -> None:
    from bot.schools.letters import Letter, LetterSchool, write_letters_csv, write_letters_pdf

    username = bot_username(args, settings)
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


async def write_consent_letters(settings: Settings, args: argparse.Namespace) -> None:
    from bot.domain.rounds.paper import letters_for
    from bot.schools.consent_letters import Page, write_consent_letters_pdf

    username = bot_username(args, settings)
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
