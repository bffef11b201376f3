"""The head teacher's Staff screen: who uses Privacyloket at the school, and ending someone's
access, changing a teacher's groups or giving someone a new code, each after a confirmation.
The rules (who may, what moves where, what is audited) are bot.domain.staff_membership."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardButton, Update

from bot.domain.model import RefusalReason, Refused, Role
from bot.domain.staff_base import StaffActor
from bot.domain.staff_membership import Moved, StaffEntry
from bot.domain.texts.labels import role_label
from bot.i18n import _, format_date, ngettext
from bot.schools.invitations import deep_link
from handlers.buttons import Everyone, ForStaff, NoArgs, Staff, StaffGroups
from handlers.context import BotContext
from handlers.messages import show
from handlers.render import esc
from handlers.staff.common import Rows, actor, staff_profile, user_id
from handlers.texts import group_label

A = TypeVar("A", ForStaff, StaffGroups)


def groups_text(groups: tuple[str, ...] | list[str]) -> str:
    """'group 3' / 'groups 3 and 7' / 'groups 3, 5 and 7'."""
    names = [esc(g) for g in groups]
    if len(names) == 1:
        return _("group {name}").format(name=names[0])
    return _("groups {names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def _who(entry: StaffEntry) -> str:
    member = entry.member
    role = role_label(member.role)
    if member.groups:
        role = _("{role} of {groups}").format(role=role, groups=groups_text(member.groups))
    return f"{esc(member.name)}, {role}"


def _state(entry: StaffEntry) -> str:
    linked = _("uses the bot") if entry.linked else _("has not linked Telegram yet")
    cases = ngettext("{n} open request", "{n} open requests", entry.open_cases).format(
        n=entry.open_cases
    )
    return f"{linked} · {cases}"


async def _school(update: Update, context: BotContext) -> int | None:
    """The school this head teacher manages; None (after saying so) for anyone else."""
    if await staff_profile(update, context) is None:
        return None
    schools = await context.services.staff_membership.directed_schools(actor(update))
    if not schools:
        await show(
            update, context, _("The staff list is for the head teacher."), _back(context, update)
        )
        return None
    return schools[0]


def _back(context: BotContext, update: Update) -> Rows:
    return [[context.button(user_id(update), _("« Back to the menu"), Everyone.MENU())]]


def _to_list(context: BotContext, update: Update) -> list[InlineKeyboardButton]:
    return [context.button(user_id(update), _("« Staff"), Staff.TEAM())]


MemberScreen = Callable[[Update, BotContext, A, int, StaffEntry], Awaitable[None]]


def _for_member(screen: MemberScreen[A]) -> Callable[[Update, BotContext, A], Awaitable[None]]:
    """A screen about one member of this head teacher's school: anyone else, or someone no
    longer on the staff, is answered before the screen is drawn."""

    @functools.wraps(screen)
    async def opened(update: Update, context: BotContext, args: A) -> None:
        school_id = await _school(update, context)
        if school_id is None:
            return
        entry = await _entry(update, context, school_id, args.staff)
        if entry is not None:
            await screen(update, context, args, school_id, entry)

    return opened


async def team(update: Update, context: BotContext, _args: NoArgs) -> None:
    school_id = await _school(update, context)
    if school_id is None:
        return
    entries = await context.services.staff_membership.entries(school_id)
    school = context.services.school_by_id[school_id]
    lines = [_("<b>Staff at {school}</b>").format(school=esc(school.name)), ""]
    user = user_id(update)
    rows: Rows = []
    for entry in entries:
        lines.append(f"• {_who(entry)}\n  {_state(entry)}")
        rows.append([context.button(user, entry.member.name, Staff.TEAM_MEMBER(entry.member.id))])
    lines += [
        "",
        _(
            "Tap a name to end someone's access, change a teacher's groups or give a new "
            "code (a new phone). New colleagues get a code from the school's ICT coordinator."
        ),
    ]
    rows += _back(context, update)
    await show(update, context, "\n".join(lines), rows)


async def _entry(
    update: Update, context: BotContext, school_id: int, staff_id: int
) -> StaffEntry | None:
    entries = await context.services.staff_membership.entries(school_id)
    found = next((e for e in entries if e.member.id == staff_id), None)
    if found is None:
        await show(
            update,
            context,
            _("This person is no longer on the staff. Nothing was changed."),
            [_to_list(context, update)],
        )
    return found


@_for_member
async def member(
    update: Update, context: BotContext, args: ForStaff, school_id: int, entry: StaffEntry
) -> None:
    school = context.services.school_by_id[school_id]
    lines = [f"<b>{esc(entry.member.name)}</b>", _who(entry).split(", ", 1)[1], _state(entry)]
    if entry.last_active is not None:
        local = entry.last_active.astimezone(school.tz).date()
        lines.append(_("Last active: {date}").format(date=format_date(local)))
    user = user_id(update)
    rows: Rows = []
    if entry.member.role == Role.TEACHER:
        rows.append(
            [context.button(user, _("Change groups"), Staff.TEAM_GROUPS(entry.member.id, None))]
        )
    rows += [
        [context.button(user, _("New code (new phone)"), Staff.TEAM_CODE(entry.member.id))],
        [context.button(user, _("End access"), Staff.TEAM_REMOVE(entry.member.id))],
        _to_list(context, update),
    ]
    await show(update, context, "\n".join(lines), rows)


@_for_member
async def remove(
    update: Update, context: BotContext, args: ForStaff, school_id: int, entry: StaffEntry
) -> None:
    name = esc(entry.member.name)
    lines = [
        _("<b>End {name}'s access?</b>").format(name=name),
        _(
            "From now on {name} can do nothing more in Privacyloket: their Telegram is "
            "unlinked, their unused codes stop working and messages still waiting for them "
            "are not sent."
        ).format(name=name),
    ]
    if entry.open_cases:
        lines.append(
            ngettext(
                "{n} open request goes to the teacher of the child's group who uses the "
                "bot, or else to you; whoever gets it is told at once.",
                "{n} open requests go to the teacher of each child's group who uses the "
                "bot, or else to you; whoever gets one is told at once.",
                entry.open_cases,
            ).format(n=entry.open_cases)
        )
    user = user_id(update)
    await show(
        update,
        context,
        "\n".join(lines),
        [
            [context.button(user, _("Yes, end access"), Staff.TEAM_REMOVE_CONFIRMED(args.staff))],
            [context.button(user, _("No, keep their access"), Staff.TEAM_MEMBER(args.staff))],
        ],
    )


def _moved_lines(moved: list[Moved]) -> list[str]:
    return [
        _("Request {number} now goes to {name}.").format(
            number=esc(m.number), name=esc(m.to_name) if m.to_name else _("the head teacher")
        )
        for m in moved
    ]


@_for_member
async def remove_confirmed(
    update: Update, context: BotContext, args: ForStaff, school_id: int, entry: StaffEntry
) -> None:
    try:
        moved = await context.services.staff_membership.remove(
            school_id, args.staff, actor=StaffActor(user_id(update))
        )
    except Refused as exc:
        await show(update, context, _refusal(exc), [_to_list(context, update)])
        return
    lines = [
        _("{name} no longer has access to Privacyloket.").format(name=esc(entry.member.name)),
        *_moved_lines(moved),
    ]
    await show(update, context, "\n".join(lines), [_to_list(context, update)])


@_for_member
async def groups(
    update: Update, context: BotContext, args: StaffGroups, school_id: int, entry: StaffEntry
) -> None:
    """The school's groups as checkboxes: the teacher's current ones ticked at first."""
    names = await context.services.staff_membership.groups(school_id)
    mask = (
        args.mask
        if args.mask is not None
        else sum(1 << i for i, n in enumerate(names) if n in entry.member.groups)
    )
    chosen = [n for i, n in enumerate(names) if mask >> i & 1]
    lines = [
        _("<b>Groups of {name}</b>").format(name=esc(entry.member.name)),
        _("Tap the groups they teach from now on."),
        "",
        _("Chosen: {groups}").format(groups=groups_text(chosen)) if chosen else _("None chosen."),
    ]
    user = user_id(update)
    rows: Rows = []
    row: list[InlineKeyboardButton] = []
    for i, name in enumerate(names):
        tick = "✓ " if mask >> i & 1 else ""
        row.append(
            context.button(
                user, f"{tick}{group_label(name)}", Staff.TEAM_GROUPS(args.staff, mask ^ (1 << i))
            )
        )
        if len(row) == 4:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    if chosen and set(chosen) != set(entry.member.groups):
        rows.append(
            [
                context.button(
                    user, _("Save these groups"), Staff.TEAM_GROUPS_SAVE(args.staff, mask)
                )
            ]
        )
    rows.append([context.button(user, _("Cancel"), Staff.TEAM_MEMBER(args.staff))])
    await show(update, context, "\n".join(lines), rows)


@_for_member
async def groups_save(
    update: Update, context: BotContext, args: StaffGroups, school_id: int, entry: StaffEntry
) -> None:
    names = await context.services.staff_membership.groups(school_id)
    mask = args.mask or 0
    chosen = [n for i, n in enumerate(names) if mask >> i & 1]
    try:
        moved = await context.services.staff_membership.set_groups(
            school_id, args.staff, chosen, actor=StaffActor(user_id(update))
        )
    except Refused as exc:
        await show(update, context, _refusal(exc), [_to_list(context, update)])
        return
    lines = [
        _("{name} now teaches {groups}.").format(
            name=esc(entry.member.name), groups=groups_text(chosen)
        ),
        *_moved_lines(moved),
    ]
    await show(update, context, "\n".join(lines), [_to_list(context, update)])


@_for_member
async def code(
    update: Update, context: BotContext, args: ForStaff, school_id: int, entry: StaffEntry
) -> None:
    name = esc(entry.member.name)
    user = user_id(update)
    await show(
        update,
        context,
        "\n".join(
            [
                _("<b>A new code for {name}?</b>").format(name=name),
                _(
                    "For a new phone or a new Telegram account. Their earlier codes stop "
                    "working, and the Telegram account they use now is unlinked once the new "
                    "code is used."
                ),
            ]
        ),
        [
            [context.button(user, _("Make a new code"), Staff.TEAM_CODE_CONFIRMED(args.staff))],
            [context.button(user, _("Cancel"), Staff.TEAM_MEMBER(args.staff))],
        ],
    )


@_for_member
async def code_confirmed(
    update: Update, context: BotContext, args: ForStaff, school_id: int, entry: StaffEntry
) -> None:
    services = context.services
    try:
        new, expires = await services.staff_membership.new_code(
            school_id,
            args.staff,
            actor=StaffActor(user_id(update)),
            days=services.settings.staff_code_days,
        )
    except Refused as exc:
        await show(update, context, _refusal(exc), [_to_list(context, update)])
        return
    school = services.school_by_id[school_id]
    username = context.bot.username
    lines = [
        _("<b>New code for {name}</b>").format(name=esc(entry.member.name)),
        f"<code>{esc(new)}</code>",
        esc(deep_link(username, new)),
        _("Valid once, until {date}. Give it to them in person.").format(
            date=format_date(expires.astimezone(school.tz).date())
        ),
    ]
    await show(update, context, "\n".join(lines), [_to_list(context, update)])


def _refusal(exc: Refused) -> str:
    if exc.reason is RefusalReason.LAST_DIRECTOR:
        return _(
            "You are the school's only head teacher: a school always keeps one. Ask the "
            "school's ICT coordinator to invite the new head teacher first. Nothing was changed."
        )
    if exc.reason is RefusalReason.INVALID:
        return _("Choose at least one group of the school. Nothing was changed.")
    return _("This is not possible (anymore). Nothing was changed.")
