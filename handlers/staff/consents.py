"""/consents [purpose] [group]: who may not appear in photos, and the group's table as CSV.

What a teacher checks before posting a class photo. A teacher sees their own groups, the
director every group of the school, the privacy officer numbers only; anyone else is
refused, and every refusal is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.consent_csv import consent_csv, csv_filename, reason_label
from bot.domain.consent_lists import ConsentLists, GroupRef, GroupTable
from bot.domain.model import Refused, Role
from bot.domain.texts import for_teachers_rounds as texts
from bot.domain.texts.for_staff_rounds import response_line
from bot.i18n import _, current_language, ngettext
from bot.schools.config import PhotoPurpose, SchoolConfig
from handlers.buttons import ConsentList, Everyone, ForGroup, NoArgs, Staff
from handlers.context import BotContext
from handlers.messages import Keyboard, send, show
from handlers.render import esc
from handlers.texts import group_label
from storage import schools
from storage.staff import StaffMember

_GROUP_WORDS = frozenset({"groep", "group", "gr", "gr."})


def _lists(context: BotContext) -> ConsentLists:
    s = context.services
    return ConsentLists(s.db, s.keys, s.clock, s.school_by_id)


async def _staff(update: Update, context: BotContext) -> Profile | None:
    """The staff member asking, or None after a translated refusal (recorded)."""
    user = update.effective_user
    assert user is not None
    profile = await context.services.accounts.profile(user.id)
    if profile is not None and profile.is_staff:
        return profile
    await _lists(context).refuse(user.id, "consent_list_not_staff")
    text = _("Consent lists are for the school's staff.")
    if profile is not None:
        text += " " + _("Your own choices for your child are under Photo consent in /menu.")
    await show(update, context, text)
    return None


def _is_officer_only(members: Sequence[StaffMember]) -> bool:
    return all(m.role == Role.PRIVACY_OFFICER for m in members)


def _find_purpose(school: SchoolConfig, word: str) -> PhotoPurpose | None:
    word = word.casefold()
    for purpose in school.photo_purposes:
        names = {purpose.key, purpose.label.nl.casefold(), purpose.label.en.casefold()}
        if word in names or any(n.startswith(word) for n in names if len(word) >= 3):
            return purpose
    return None


def _usage(school: SchoolConfig, groups: Sequence[GroupRef]) -> str:
    language = current_language()
    return "\n".join(
        [
            _("Use: /consents [purpose] [group], for example /consents website 3."),
            _("Purposes: {purposes}").format(
                purposes=esc(
                    ", ".join(p.label.get(language).casefold() for p in school.photo_purposes)
                )
            ),
            _("Your groups: {groups}").format(groups=esc(", ".join(g.name for g in groups))),
        ]
    )


async def consents_command(update: Update, context: BotContext) -> None:
    profile = await _staff(update, context)
    if profile is None:
        return
    if _is_officer_only(profile.staff):
        await _counts(update, context, profile)
        return
    lists = _lists(context)
    groups = await lists.groups(profile.staff)
    if not groups:
        await send(update, context, _("You have no groups with pupils in the bot yet."))
        return
    school = context.services.school_by_id[groups[0].school_id]
    purpose: PhotoPurpose | None = None
    group_name: str | None = None
    words = [w for w in context.args or [] if w.casefold() not in _GROUP_WORDS]
    while words:
        # The longest run of words that names a purpose ("sociale media"), else a group.
        taken, found = next(
            (
                (n, hit)
                for n in range(len(words), 0, -1)
                if (hit := _find_purpose(school, " ".join(words[:n]))) is not None
            ),
            (1, None),
        )
        if found is not None and purpose is None:
            purpose = found
        elif group_name is None and found is None:
            group_name = words[0]
        else:
            await send(update, context, _usage(school, groups))
            return
        words = words[taken:]
    if group_name is None:
        if len(groups) > 1:
            await _pick_group(update, context, profile, groups, purpose)
            return
        group: GroupRef | None = groups[0]
    else:
        group = await _group_by_name(context, profile.staff, group_name)
    if group is None:
        await send(update, context, _usage(school, groups))
        return
    await _list(update, context, profile, group.id, purpose.key if purpose else "")


async def _group_by_name(
    context: BotContext, members: Sequence[StaffMember], name: str
) -> GroupRef | None:
    """Any group of the member's schools by name; whether they may see it is checked later."""
    for school_id in sorted({m.school_id for m in members}):
        for group_id, group_name in await schools.groups(context.services.db.reader, school_id):
            if group_name.casefold() == name.casefold():
                return GroupRef(group_id, school_id, group_name)
    return None


async def consents_menu(update: Update, context: BotContext, _args: NoArgs) -> None:
    """The staff menu's "Consent lists" button: the same as /consents without arguments."""
    profile = await _staff(update, context)
    if profile is None:
        return
    if _is_officer_only(profile.staff):
        await _counts(update, context, profile)
        return
    groups = await _lists(context).groups(profile.staff)
    if len(groups) == 1:
        await _list(update, context, profile, groups[0].id, "")
        return
    await _pick_group(update, context, profile, groups, None)


async def _pick_group(
    update: Update,
    context: BotContext,
    profile: Profile,
    groups: Sequence[GroupRef],
    purpose: PhotoPurpose | None,
) -> None:
    user = profile.telegram_user_id
    if not groups:
        await show(update, context, _("You have no groups with pupils in the bot yet."))
        return
    buttons = [
        context.button(
            user, group_label(g.name), Staff.CONSENT_LIST(g.id, purpose.key if purpose else "")
        )
        for g in groups
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(update, context, _("<b>Consent lists</b>\nWhich group?"), rows)


async def list_button(update: Update, context: BotContext, args: ConsentList) -> None:
    profile = await _staff(update, context)
    if profile is not None:
        await _list(update, context, profile, args.group, args.purpose)


async def _table(
    update: Update, context: BotContext, profile: Profile, group_id: int | None
) -> GroupTable | None:
    try:
        return await _lists(context).table(profile.telegram_user_id, profile.staff, group_id or 0)
    except Refused:
        await send(
            update,
            context,
            _(
                "You can only see the consent lists of your own groups. Nothing is shown; "
                "ask the head teacher if you need another group."
            ),
        )
        return None


async def _list(
    update: Update, context: BotContext, profile: Profile, group_id: int | None, key: str
) -> None:
    table = await _table(update, context, profile, group_id)
    if table is None:
        return
    purpose = table.school.purpose(key) if key else None
    groups = await _lists(context).groups(profile.staff)
    text = "\n".join(list_lines(table, purpose))
    await show(update, context, text, _keyboard(context, profile, table, purpose, groups))


def list_lines(table: GroupTable, only: PhotoPurpose | None) -> list[str]:
    language = current_language()
    count = len(table.pupils)
    lines = [
        _("<b>Photo consent · {group}</b>").format(group=group_label(table.group.name))
        + " "
        + ngettext("({n} pupil)", "({n} pupils)", count).format(n=count),
        *[response_line(*response) for response in table.responses],
        _("Per purpose: who may not appear in photos or video."),
    ]
    for purpose in [only] if only else table.school.photo_purposes:
        excluded = table.may_not_appear(purpose.key)
        label = esc(purpose.label.get(language))
        lines.append("")
        if not excluded:
            lines.append(_("<b>{purpose}</b>: everyone may appear.").format(purpose=label))
            continue
        lines.append(
            ngettext(
                "<b>{purpose}</b>: {n} child may not appear",
                "<b>{purpose}</b>: {n} children may not appear",
                len(excluded),
            ).format(purpose=label, n=len(excluded))
        )
        lines += [
            f"• {esc(p.student.first_name)} {esc(p.student.last_name)}: "
            + reason_label(p.states[purpose.key])
            for p in excluded
        ]
    lines += [
        "",
        _(
            "A child may appear only when at least one parent gave consent and none refused; "
            "no answer counts as no. Check again before each post: parents can change their "
            "choice at any time."
        ),
    ]
    return lines


def _keyboard(
    context: BotContext,
    profile: Profile,
    table: GroupTable,
    only: PhotoPurpose | None,
    groups: Sequence[GroupRef],
) -> Keyboard:
    user, language, group_id = profile.telegram_user_id, current_language(), table.group.id
    key = only.key if only else ""
    purposes = [
        context.button(
            user,
            ("» " if only and p.key == only.key else "") + p.label.get(language),
            Staff.CONSENT_LIST(group_id, p.key),
        )
        for p in table.school.photo_purposes
    ]
    rows: list[list[InlineKeyboardButton]] = [
        purposes[i : i + 2] for i in range(0, len(purposes), 2)
    ]
    if only is not None:
        rows.append([context.button(user, _("All purposes"), Staff.CONSENT_LIST(group_id, ""))])
    others = [
        context.button(user, group_label(g.name), Staff.CONSENT_LIST(g.id, key))
        for g in groups
        if g.id != group_id
    ]
    rows += [others[i : i + 4] for i in range(0, len(others), 4)]
    rows.append([context.button(user, texts.check_photo_button(), Staff.PHOTO_CHECK(group_id))])
    rows.append([context.button(user, texts.pupils_button(), Staff.PUPILS(group_id, 0))])
    rows.append(
        [
            context.button(
                user,
                _("Table of {group} (CSV)").format(group=group_label(table.group.name)),
                Staff.CONSENT_CSV(group_id),
            )
        ]
    )
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    return rows


async def csv_button(update: Update, context: BotContext, args: ForGroup) -> None:
    profile = await _staff(update, context)
    if profile is None:
        return
    table = await _table(update, context, profile, args.group)
    if table is None:
        return
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    today = services.clock.now().astimezone(table.school.tz).date()
    await context.bot.send_document(
        chat.id,
        document=consent_csv(table, await _lists(context).round_answers(table)),
        filename=csv_filename(table, today),
        caption=_(
            "Photo consent of {group}, every pupil and purpose. It contains children's "
            "names: keep it on the school's computers and delete it when you no longer "
            "need it."
        ).format(group=group_label(table.group.name)),
    )
    await _lists(context).record_export(profile.telegram_user_id, table)


async def _counts(update: Update, context: BotContext, profile: Profile) -> None:
    language = current_language()
    lines = [_("<b>Photo consent in numbers</b>")]
    for counts in await _lists(context).counts(profile.staff):
        lines += [
            "",
            ngettext(
                "<b>{school}</b>: {n} pupil", "<b>{school}</b>: {n} pupils", counts.pupils
            ).format(school=esc(counts.school.name), n=counts.pupils),
        ]
        for purpose in counts.school.photo_purposes:
            allowed = counts.allowed[purpose.key]
            lines.append(
                _("• {purpose}: allowed for {allowed} of {total}").format(
                    purpose=esc(purpose.label.get(language)),
                    allowed=allowed,
                    total=counts.pupils,
                )
            )
    lines += [
        "",
        _(
            "As privacy officer you see numbers only; the lists with names are for the "
            "teachers and the head teacher."
        ),
    ]
    user = profile.telegram_user_id
    await show(
        update,
        context,
        "\n".join(lines),
        [[context.button(user, _("« Back to the menu"), Everyone.MENU())]],
    )
