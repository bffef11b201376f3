"""What the staff menu adds: buttons, help lines and the command list for a staff chat.

Kept free of the parent menu module so that both menus can use it."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardButton

from bot.domain.accounts import Profile
from bot.i18n import _, gettext
from handlers.commands import COMMANDS, STAFF_COMMANDS
from handlers.context import BotContext


async def publish_staff_commands(context: BotContext, profile: Profile, chat_id: int) -> None:
    """Staff see their commands in Telegram's menu, in their language, for their chat only;
    parents keep the default list."""
    if not any(m.role in ("teacher", "director") for m in profile.staff):
        return
    commands = [BotCommand(n, gettext(t)) for n, t in (*STAFF_COMMANDS, *COMMANDS)]
    await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))


def staff_rows(context: BotContext, profile: Profile) -> list[list[InlineKeyboardButton]]:
    user = profile.telegram_user_id
    roles = {m.role for m in profile.staff}
    rows: list[list[InlineKeyboardButton]] = []
    if roles & {"teacher", "director"}:
        rows.append([context.button(user, _("My queue"), "q", "mine", 0)])
    if "director" in roles:
        rows.append([context.button(user, _("All open requests"), "q", "all", 0)])
    if "privacy_officer" in roles:
        rows.append([context.button(user, _("Requests in numbers"), "cnt")])
    rows.append([context.button(user, _("Consent lists"), "stcons")])
    return rows


def staff_help() -> list[str]:
    return [
        _("<b>For staff</b>"),
        _("/queue – your open requests (head teacher: /queue all, overdue or a kind)"),
        _("/case 2026-0042 – one request, with the buttons to handle it"),
        _("/take, /note, /extend, /escalate, /assign, /reject, /resolve – followed by the number"),
        _("/consents – who may not appear in photos, per group and purpose"),
        _("/digest – the head teacher's digest of open and overdue requests"),
        _("New requests reach you here as a message. The law allows one month to answer."),
    ]
