"""/digest: the head teacher's digest on demand, the same text as the scheduled one."""

from __future__ import annotations

from telegram import Update

from bot.domain.model import Role
from bot.i18n import _
from bot.jobs import digest
from handlers.context import BotContext
from handlers.messages import send


async def digest_command(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    services = context.services
    profile = await services.accounts.profile(user.id)
    schools = sorted(
        {m.school_id for m in profile.staff if m.role == Role.DIRECTOR} if profile else set()
    )
    if not schools:
        await send(update, context, _("The digest is for the head teacher of a school."))
        return
    for school_id in schools:
        school = services.school_by_id[school_id]
        text = await digest.on_demand(services.db, services.clock, school_id, school)
        await send(update, context, text)
