"""The commands people can type, with the descriptions Telegram shows in its menu."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.ext import filters

from bot.domain.accounts import Profile
from bot.domain.model import HANDLING_ROLES, Role
from bot.i18n import N_, gettext
from handlers.context import BotContext

COMMANDS = (
    ("menu", N_("Main menu")),
    ("privacy", N_("How the school handles personal data")),
    ("language", N_("Nederlands / English")),
    ("help", N_("What I can do")),
    ("forgetme", N_("Unlink this Telegram account")),
    ("cancel", N_("Stop what you are doing")),
)
# Staff see these too (a list of their own per chat, set when they link and at /start).
STAFF_COMMANDS = (
    ("queue", N_("My open requests")),
    ("case", N_("One request: /case 2026-0042")),
    ("take", N_("Take on a request")),
    ("note", N_("Add an internal note")),
    ("extend", N_("Extend the answer date")),
    ("escalate", N_("Pass a request to the head teacher")),
    ("assign", N_("Assign a request to a colleague")),
    ("reject", N_("Refuse a request, with a reason")),
    ("resolve", N_("Answer and close a request")),
    ("attach", N_("Attach the copy for a request")),
    ("consents", N_("Who may not appear in photos")),
    ("digest", N_("The head teacher's digest")),
)
DIRECTOR_COMMANDS = frozenset({"digest", "assign"})
"""Staff commands only a head teacher can use: left out of a teacher's list."""
KNOWN = frozenset(name for name, _ in (*COMMANDS, *STAFF_COMMANDS)) | {"start"}


def command_of(update: Update) -> str | None:
    """The command a message starts with (as Telegram marks it), or None."""
    message = update.message
    if message is None or message.text is None or not filters.COMMAND.check_update(update):
        return None
    entity = message.entities[0]
    return message.text[1 : entity.length].split("@", 1)[0].lower()


async def publish_staff_commands(context: BotContext, profile: Profile, chat_id: int) -> None:
    """Staff see their commands in Telegram's menu, in their language, for their chat only;
    parents keep the default list."""
    if not any(m.role in HANDLING_ROLES for m in profile.staff):
        return
    director = any(m.role == Role.DIRECTOR for m in profile.staff)
    commands = [
        BotCommand(n, gettext(t))
        for n, t in (*STAFF_COMMANDS, *COMMANDS)
        if n not in DIRECTOR_COMMANDS or director
    ]
    await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
