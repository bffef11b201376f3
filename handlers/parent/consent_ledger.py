"""A child's consent ledger for a parent: who chose what, when, and how it came in (the
menu, a consent round, a paper form recorded by the school), and an exchange that ended."""

from __future__ import annotations

from telegram import Update

from bot.domain.accounts import Profile
from bot.domain.texts.for_parents_rounds import ledger_text
from bot.i18n import _
from handlers.buttons import Everyone, ForChild, Parent
from handlers.context import BotContext
from handlers.messages import show
from handlers.parent.common import actor, for_child
from storage.people import Student


@for_child
async def ledger(
    update: Update, context: BotContext, args: ForChild, profile: Profile, child: Student
) -> None:
    services = context.services
    lines = await services.consents.ledger(actor(profile), child.id)
    school = services.school_by_id[child.school_id]
    user = profile.telegram_user_id
    await show(
        update,
        context,
        ledger_text(lines, school, child),
        [
            [context.button(user, _("« Back to photo consent"), Parent.CONSENT(child.id))],
            [context.button(user, _("« Back to the menu"), Everyone.MENU())],
        ],
    )
