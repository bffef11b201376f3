"""Check a photo before it is published: from the consent list, pick the purpose, tap the
children who appear (the group's names as buttons; other groups of the teacher can be
added for an event), and Check. The verdict comes from bot.domain.photo_checks, which
records the check; no photo is sent, read or kept.

What has been tapped so far is a step held for the teacher (``PhotoCheckStep``): the
buttons carry one child each, so a group of any size fits within Telegram's 64 bytes per
button, and a child added to or removed from the roster meanwhile never shifts what the
other buttons mean.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import ClassVar

from telegram import Update

from bot.domain.consent_lists import ConsentLists, GroupRef
from bot.domain.model import RefusalReason, Refused
from bot.domain.texts import for_teachers_rounds as texts
from bot.domain.texts.for_staff_photo_checks import photo_check_verdict
from bot.i18n import current_language
from handlers.buttons import ForChild, ForGroup, GroupPurpose, NoArgs, Page, Staff
from handlers.context import BotContext, Step
from handlers.messages import send, show
from handlers.staff.common import Rows, actor, staff_profile, user_id
from handlers.staff.name_pages import name_page, rows_of
from handlers.texts import group_label


@dataclass
class PhotoCheckStep(Step):
    """A photo check being put together: the purpose, the groups whose names are shown,
    the children tapped, the page of names, and the key that records it once."""

    tag: ClassVar[str] = "photo_check"

    purpose: str
    home: int
    """The group whose consent list it started from (where Back returns)."""
    groups: list[int]
    chosen: list[int] = field(default_factory=list)
    page: int = 0
    key: str = ""

    async def receive(self, update: Update, context: BotContext) -> bool:
        message = update.effective_message
        photo = message is not None and bool(message.photo or message.document)
        await send(update, context, texts.check_buttons_only(photo))
        await _draw(update, context, self, new_message=True)
        return True


async def _own_groups(update: Update, context: BotContext, wanted: list[int]) -> list[GroupRef]:
    """The groups this person may check, with ``wanted`` among them (else Refused, recorded
    by the domain)."""
    checks = context.services.photo_checks
    await checks.pupils(actor(update), wanted)
    return await checks.groups(actor(update))


async def start(update: Update, context: BotContext, args: ForGroup) -> None:
    """Check a photo, from a group's consent list: first the purpose."""
    if await staff_profile(update, context) is None:
        return
    try:
        groups = await _own_groups(update, context, [args.group])
    except Refused:
        await send(update, context, texts.check_not_theirs())
        return
    group = next(g for g in groups if g.id == args.group)
    school = context.services.school_by_id[group.school_id]
    user, language = user_id(update), current_language()
    purposes = [
        context.button(user, p.label.get(language), Staff.PHOTO_PURPOSE(group.id, p.key))
        for p in school.photo_purposes
    ]
    rows: Rows = rows_of(purposes)
    rows.append([context.button(user, texts.back_to_list(), Staff.CONSENT_LIST(group.id, ""))])
    await show(update, context, texts.check_purpose_text(group.name), rows)


async def purpose_chosen(update: Update, context: BotContext, args: GroupPurpose) -> None:
    if await staff_profile(update, context) is None:
        return
    try:
        groups = await _own_groups(update, context, [args.group])
    except Refused:
        await send(update, context, texts.check_not_theirs())
        return
    group = next(g for g in groups if g.id == args.group)
    if context.services.school_by_id[group.school_id].purpose(args.purpose) is None:
        await _unknown_purpose(update, context)
        return
    step = PhotoCheckStep(args.purpose, group.id, [group.id], key=secrets.token_hex(8))
    await _draw(update, context, step)


async def _unknown_purpose(update: Update, context: BotContext) -> None:
    """A purpose the school's config does not have (a forged button, or removed since):
    refused and recorded like any refused look at the consent lists."""
    s, user = context.services, user_id(update)
    profile = await s.accounts.profile(user)
    members = profile.staff if profile is not None else ()
    await ConsentLists(s.db, s.keys, s.clock, s.school_by_id).refuse(
        user, "photo_check_unknown_purpose", members
    )
    await send(update, context, texts.check_unknown_purpose())


def _held(context: BotContext) -> PhotoCheckStep | None:
    return context.user_state.held(PhotoCheckStep)


async def _not_open(update: Update, context: BotContext) -> None:
    await send(update, context, texts.check_not_open())


async def toggle(update: Update, context: BotContext, args: ForChild) -> None:
    step = _held(context)
    if step is None:
        await _not_open(update, context)
        return
    try:
        await context.services.photo_checks.pupil(actor(update), step.groups, args.child)
    except Refused:
        await send(update, context, texts.check_not_theirs())
        await _draw(update, context, step, new_message=True)
        return
    if args.child in step.chosen:
        step.chosen.remove(args.child)
    else:
        step.chosen.append(args.child)
    await _draw(update, context, step)


async def page(update: Update, context: BotContext, args: Page) -> None:
    step = _held(context)
    if step is None:
        await _not_open(update, context)
        return
    step.page = args.page
    await _draw(update, context, step)


async def toggle_group(update: Update, context: BotContext, args: ForGroup) -> None:
    """Add another group's names (an event with several groups), or take them away again
    (with the children of it that were tapped)."""
    step = _held(context)
    if step is None:
        await _not_open(update, context)
        return
    if args.group in step.groups:
        if len(step.groups) > 1:
            step.groups.remove(args.group)
        await _draw(update, context, step)
        return
    try:
        await _own_groups(update, context, [*step.groups, args.group])
    except Refused:
        await send(update, context, texts.check_not_theirs())
        await _draw(update, context, step, new_message=True)
        return
    step.groups.append(args.group)
    await _draw(update, context, step)


async def run(update: Update, context: BotContext, _args: NoArgs) -> None:
    """Check: the verdict at once, in place of the names."""
    step = _held(context)
    if step is None:
        await _not_open(update, context)
        return
    if await staff_profile(update, context) is None:
        return
    if not step.chosen:
        await send(update, context, texts.check_nobody_chosen())
        await _draw(update, context, step, new_message=True)
        return
    try:
        check = await context.services.photo_checks.check(
            actor(update),
            step.purpose,
            step.chosen,
            idempotency_key=f"{user_id(update)}-{step.key}",
        )
    except Refused as exc:
        context.user_state.clear(PhotoCheckStep)
        if exc.reason == RefusalReason.INVALID:
            await _unknown_purpose(update, context)
        else:
            await send(update, context, texts.check_not_theirs())
        return
    context.user_state.clear(PhotoCheckStep)
    user = user_id(update)
    rows = [
        [context.button(user, texts.check_again(), Staff.PHOTO_CHECK(step.home))],
        [context.button(user, texts.back_to_list(), Staff.CONSENT_LIST(step.home, ""))],
    ]
    await show(update, context, photo_check_verdict(check), rows)


async def _draw(
    update: Update, context: BotContext, step: PhotoCheckStep, *, new_message: bool = False
) -> None:
    """The names to tap, for the groups of the step as they are now."""
    services = context.services
    try:
        pupils = await services.photo_checks.pupils(actor(update), step.groups)
    except Refused:
        context.user_state.clear(PhotoCheckStep)
        await send(update, context, texts.check_not_theirs())
        return
    groups = await services.photo_checks.groups(actor(update))
    chosen_groups = [g for g in groups if g.id in step.groups]
    school = services.school_by_id[chosen_groups[0].school_id]
    purpose = school.purpose(step.purpose)
    if purpose is None:
        context.user_state.clear(PhotoCheckStep)
        await _unknown_purpose(update, context)
        return
    present = {p.id for p in pupils}
    step.chosen = [c for c in step.chosen if c in present]  # who left the group meanwhile
    shown = name_page(len(pupils), step.page)
    step.page = shown.number
    user = user_id(update)
    several = len(chosen_groups) > 1
    names = []
    for pupil in pupils[shown.start : shown.end]:
        label = texts.pupil_name(pupil)
        if several and pupil.group_name:
            label += f" · {pupil.group_name}"
        if pupil.id in step.chosen:
            label = f"{texts.CHOSEN} {label}"
        names.append(context.button(user, label, Staff.PHOTO_TOGGLE(pupil.id)))
    rows: Rows = rows_of(names)
    paging = []
    if shown.has_previous:
        paging.append(
            context.button(user, texts.previous_page(), Staff.PHOTO_PAGE(shown.number - 1))
        )
    if shown.has_next:
        paging.append(context.button(user, texts.next_page(), Staff.PHOTO_PAGE(shown.number + 1)))
    if paging:
        rows.append(paging)
    others = [g for g in groups if g.school_id == chosen_groups[0].school_id]
    if len(others) > 1:
        group_buttons = [
            context.button(
                user,
                (f"{texts.CHOSEN} " if g.id in step.groups else "+ ") + group_label(g.name),
                Staff.PHOTO_GROUP(g.id),
            )
            for g in others
        ]
        rows += rows_of(group_buttons, 4)
    rows.append([context.button(user, texts.check_button(len(step.chosen)), Staff.PHOTO_RUN())])
    rows.append([context.button(user, texts.back_to_list(), Staff.CONSENT_LIST(step.home, ""))])
    by_id = {p.id: p for p in pupils}
    text = texts.check_screen_text(
        purpose,
        [g.name for g in chosen_groups],
        [by_id[c] for c in step.chosen],
        len(pupils),
        shown.start + 1,
        shown.end,
    )
    context.user_state.start(step)
    await (send if new_message else show)(update, context, text, rows)
