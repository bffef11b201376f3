"""The commands people can type, with the descriptions Telegram shows in its menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from bot.i18n import N_

COMMANDS = (
    ("menu", N_("Main menu")),
    ("privacy", N_("How the school handles personal data")),
    ("language", N_("Nederlands / English")),
    ("help", N_("What I can do")),
    ("forgetme", N_("Unlink this Telegram account")),
    ("cancel", N_("Stop what you are doing")),
)
KNOWN = frozenset(name for name, _ in COMMANDS) | {"start"}


def command_of(update: Update) -> str | None:
    """The command a message starts with (as Telegram marks it), or None."""
    message = update.message
    if message is None or message.text is None or not filters.COMMAND.check_update(update):
        return None
    entity = message.entities[0]
    return message.text[1 : entity.length].split("@", 1)[0].lower()
