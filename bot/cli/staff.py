"""privacyloket staff-invite and staff: who works with the bot at a school."""

from __future__ import annotations

import argparse

from bot.cli.arguments import Commands, bot_option, bot_username, command, school_option
from bot.domain.model import RefusalReason, Refused
from bot.errors import UserFacingError
from bot.schools.invitations import STAFF_ROLES, deep_link, issue_staff_code, staff_groups_text
from bot.schools.staff_table import group_name, staff_table
from bot.security.codes import display
from bot.services import Services
from bot.settings import Settings


def add_commands(commands: Commands) -> None:
    """privacyloket staff-invite and privacyloket staff list/remove/groups."""
    staff = command(
        commands,
        "staff-invite",
        "print a code for a staff member",
        "Create a staff member and print their one-time code and link. A teacher sees the "
        "requests of their groups; the director and the privacy officer see the whole school "
        "(they take no --group).",
        'privacyloket staff-invite --school cbs-klimop --role teacher --name "Anna de Wit" '
        "--group 3",
    )
    school_option(staff)
    staff.add_argument("--role", required=True, choices=STAFF_ROLES, help="their role")
    staff.add_argument("--name", required=True, help="their name, as staff and parents see it")
    staff.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="G",
        help="a group they teach (teachers only; repeat for several)",
    )
    bot_option(staff)

    staff_admin = command(
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
    listing = command(
        staff_actions,
        "list",
        "who is on the staff",
        "Every staff member of the school: role and groups, whether their Telegram is "
        "linked, when they last did something, and how many open requests they hold.",
        "privacyloket staff list --school cbs-klimop",
    )
    school_option(listing)
    removing = command(
        staff_actions,
        "remove",
        "end a staff member's access",
        "End a staff member's access at once: their Telegram link, their unused codes and the "
        "notices still waiting for them. Their open requests go to the group's teacher who "
        "uses the bot, else the head teacher, who are told. The school's only head teacher "
        "cannot be removed.",
        'privacyloket staff remove --school cbs-klimop "Anna de Wit"',
    )
    school_option(removing)
    removing.add_argument("name", metavar="NAME", help="their name, as in 'staff list'")
    regrouping = command(
        staff_actions,
        "groups",
        "set the groups a teacher teaches",
        "Set every group a teacher teaches from now on. Open requests about children in a "
        "group they no longer teach go to that group's teacher (or the head teacher).",
        'privacyloket staff groups --school cbs-klimop "Anna de Wit" --set 4 5',
    )
    school_option(regrouping)
    regrouping.add_argument("name", metavar="NAME", help="their name, as in 'staff list'")
    regrouping.add_argument(
        "--set",
        dest="groups",
        nargs="+",
        required=True,
        metavar="G",
        help="every group they teach from now on",
    )


async def invite_staff(settings: Settings, args: argparse.Namespace) -> None:
    username = bot_username(args, settings)
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


async def manage_staff(settings: Settings, args: argparse.Namespace) -> None:
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
