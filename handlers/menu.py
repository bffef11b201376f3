"""The main menu, /menu and /help: one menu for parents, staff and those who are both."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.model import HANDLING_ROLES, Role
from bot.domain.texts.labels import role_label
from bot.i18n import _, ngettext
from handlers.buttons import Everyone, NoArgs, Parent, Staff
from handlers.context import BotContext
from handlers.messages import Keyboard, send, show
from handlers.render import esc
from handlers.texts import child_line, groups_label


def _school_names(context: BotContext, profile: Profile) -> str:
    names = [
        esc(context.services.school_by_id[s].name)
        for s in sorted(profile.school_ids)
        if s in context.services.school_by_id
    ]
    return ", ".join(names)


def staff_lines(context: BotContext, profile: Profile) -> list[str]:
    lines = []
    for member in profile.staff:
        school = context.services.school_by_id.get(member.school_id)
        school_name = esc(school.name) if school else ""
        if member.groups:
            lines.append(
                _("You are registered as {role} of {groups} at {school}.").format(
                    role=role_label(member.role),
                    groups=groups_label(member.groups),
                    school=school_name,
                )
            )
        elif member.role == Role.PRIVACY_OFFICER and school and school.foundation:
            lines.append(
                _("You are registered as privacy officer of the {foundation} foundation.").format(
                    foundation=esc(school.foundation)
                )
            )
        else:
            lines.append(
                _("You are registered as {role} at {school}.").format(
                    role=role_label(member.role), school=school_name
                )
            )
    return lines


def menu_content(context: BotContext, profile: Profile) -> tuple[str, Keyboard]:
    user = profile.telegram_user_id
    lines = [_("<b>Privacyloket</b> · {school}").format(school=_school_names(context, profile))]
    if profile.off_roster:
        lines += [
            "",
            _(
                "You are no longer on the school's roster as the parent or guardian of a "
                "pupil. The requests you made stay yours: you can follow them under My "
                "requests. With /forgetme you unlink this Telegram account."
            ),
        ]
    elif profile.is_guardian:
        lines += ["", ngettext("Your child:", "Your children:", len(profile.children))]
        lines += [f"• {child_line(c)}" for c in profile.children]
    if profile.is_staff:
        lines += ["", *staff_lines(context, profile), _("Your commands are listed under /help.")]
    if profile.is_staff or (profile.is_guardian and not profile.off_roster):
        lines += ["", _("What would you like to do?")]
    keyboard: list[list[InlineKeyboardButton]] = []
    if profile.off_roster:
        keyboard += [[context.button(user, _("My requests"), Parent.MY_REQUESTS())]]
    elif profile.is_guardian:
        keyboard += [
            [context.button(user, _("What the school records"), Parent.START("access"))],
            [context.button(user, _("Correct data"), Parent.START("correct"))],
            [context.button(user, _("Delete data"), Parent.START("delete"))],
            [
                context.button(user, _("Restrict use"), Parent.START("restrict")),
                context.button(user, _("Object"), Parent.START("object")),
            ],
            [context.button(user, _("Photo consent"), Parent.START("consent"))],
            [context.button(user, _("My requests"), Parent.MY_REQUESTS())],
        ]
    if profile.is_staff:
        keyboard += staff_rows(context, profile)
    keyboard += [
        [context.button(user, _("Privacy information"), Everyone.PRIVACY())],
        [context.button(user, _("Language / Taal"), Everyone.LANGUAGES())],
    ]
    return "\n".join(lines), keyboard


async def send_menu(update: Update, context: BotContext, *, edit: bool = False) -> None:
    """The main menu for a linked account, or how to start for anyone else."""
    user = update.effective_user
    assert user is not None
    profile = await context.services.accounts.profile(user.id)
    if profile is None:
        known = await context.services.accounts.language(user.id) is not None
        await send(update, context, no_longer_linked_text() if known else not_linked_text())
        return
    text, keyboard = menu_content(context, profile)
    await (show if edit else send)(update, context, text, keyboard)


def no_longer_linked_text() -> str:
    return _(
        "This Telegram account is no longer linked to a school. If you work at the school or "
        "have a child there, ask the school for a new code, then tap /start and type it."
    )


def not_linked_text() -> str:
    return _(
        "This Telegram account is not linked to a school yet. Tap /start and type the code "
        "from the letter you received from the school."
    )


async def menu_command(update: Update, context: BotContext) -> None:
    await send_menu(update, context)


async def menu_button(update: Update, context: BotContext, _args: NoArgs) -> None:
    await send_menu(update, context, edit=True)


def help_text(profile: Profile | None) -> str:
    staff_only = profile is not None and profile.is_staff and not profile.is_guardian
    lines = [
        _(
            "<b>Privacyloket</b> is where parents exercise their privacy rights at school, "
            "and where you handle their requests."
        )
        if staff_only
        else _("<b>Privacyloket</b> helps you exercise your privacy rights at school.")
    ]
    if profile is None:
        lines += [
            "",
            _("/start – link this account with the code from the school's letter"),
            _("/privacy – how the school handles personal data"),
            _("/language – choose Dutch or English"),
            _("/help – this overview"),
        ]
        return "\n".join(lines)
    lines += [
        "",
        _("/menu – the main menu"),
        _("/privacy – how the school handles personal data"),
        _("/language – choose Dutch or English"),
        _("/forgetme – unlink this Telegram account"),
        _("/cancel – stop what you are doing"),
        _("/help – this overview"),
    ]
    if profile.is_staff:
        lines += ["", *staff_help({m.role for m in profile.staff})]
    return "\n".join(lines)


async def help_command(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    profile = await context.services.accounts.profile(user.id)
    await send(update, context, help_text(profile))


def staff_rows(context: BotContext, profile: Profile) -> list[list[InlineKeyboardButton]]:
    user = profile.telegram_user_id
    roles = {m.role for m in profile.staff}
    rows: list[list[InlineKeyboardButton]] = []
    if roles & HANDLING_ROLES:
        rows.append([context.button(user, _("My queue"), Staff.QUEUE("mine", 0))])
    if Role.DIRECTOR in roles:
        rows.append([context.button(user, _("All open requests"), Staff.QUEUE("all", 0))])
        rows.append([context.button(user, _("Staff"), Staff.TEAM())])
    if Role.PRIVACY_OFFICER in roles:
        rows.append([context.button(user, _("Requests in numbers"), Staff.COUNTS())])
    rows.append([context.button(user, _("Consent lists"), Staff.CONSENT_LISTS())])
    if roles & {Role.DIRECTOR, Role.PRIVACY_OFFICER}:
        rows.append([context.button(user, _("Consent rounds"), Staff.ROUNDS())])
    return rows


def staff_help(roles: set[str]) -> list[str]:
    """The staff commands this member can use."""
    lines = [_("<b>For staff</b>")]
    if roles & HANDLING_ROLES:
        lines += [
            _("/queue – your open requests (head teacher: /queue all, overdue or a kind)")
            if Role.DIRECTOR in roles
            else _("/queue – your open requests"),
            _("/case 2026-0042 – one request, with the buttons to handle it"),
            _(
                "/take, /note, /extend, /escalate, /assign, /reject, /resolve, /attach – "
                "followed by the number"
            ),
        ]
    lines.append(_("/consents – who may not appear in photos, per group and purpose"))
    if Role.DIRECTOR in roles:
        lines.append(_("/digest – the head teacher's digest of open and overdue requests"))
    if roles & HANDLING_ROLES:
        lines.append(
            _(
                "New requests reach you here as a message. Answer within one month, or by the "
                "extended date; a refusal has the same deadline."
            )
        )
    return lines
