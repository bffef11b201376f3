"""What the staff action screens share: checking the action may be done now, running it,
and what is said after it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, Update

from bot.domain.model import MOVES, RefusalReason, Refused
from bot.domain.staff_base import CaseView
from bot.domain.staff_cases import MAX_MESSAGE
from bot.domain.transitions import Action, next_status
from bot.i18n import _, format_number
from handlers.buttons import Staff
from handlers.context import BotContext
from handlers.messages import send
from handlers.render import esc
from handlers.staff import common
from handlers.staff.common import actor, refusal_text, staff_profile
from handlers.staff.screens import open_case


async def checked_view(
    update: Update, context: BotContext, case_id: int, action: Action
) -> CaseView | None:
    """The case if this member may do ``action`` now; otherwise say why (audited)."""
    if await staff_profile(update, context) is None:
        return None
    services = context.services
    try:
        view = await services.staff_views.view(actor(update), case_id)
    except Refused as exc:
        await send(update, context, refusal_text(exc, None))
        return None
    if action not in view.actions:
        await services.staff_views.refusal(actor(update), action.value, case_id, "not_now")
        school = services.school_by_id[view.case.school_id]
        if action == Action.EXTEND and Action.NOTE in view.actions:
            await send(
                update,
                context,
                _(
                    "Request {number} can no longer be extended: at most two more months in "
                    "total are possible, and only before the answer date. Nothing was changed."
                ).format(number=esc(view.case.number)),
            )
            return None
        if next_status(view.case.status, action) is None:
            moves = [c for c in view.timeline if c.event in MOVES]
            refused = Refused(
                RefusalReason.NOT_POSSIBLE, case=view.case, last=moves[-1] if moves else None
            )
        else:
            refused = Refused(RefusalReason.NOT_ALLOWED, case=view.case)
        await send(update, context, refusal_text(refused, school))
        return None
    return view


async def done(update: Update, context: BotContext, case_id: int, text: str) -> None:
    common.clear(context)
    await send(update, context, text)
    await open_case(update, context, case_id, edit=False)


async def run(
    update: Update,
    context: BotContext,
    case_id: int,
    step: Callable[[], Awaitable[Any]],
    said: str,
) -> None:
    try:
        await step()
    except Refused as exc:
        common.clear(context)
        school = context.services.school_by_id.get(exc.case.school_id) if exc.case else None
        await send(update, context, refusal_text(exc, school))
        return
    await done(update, context, case_id, said)


def cancel_row(context: BotContext, user: int, case_id: int) -> list[InlineKeyboardButton]:
    return [context.button(user, _("Cancel"), Staff.CANCEL(case_id))]


def limit_line() -> str:
    return _("At most {limit} characters.").format(limit=format_number(MAX_MESSAGE))


async def gone(update: Update, context: BotContext) -> None:
    """A confirmation without the step before it (a double tap, or another account's data)."""
    await context.services.staff_views.refusal(actor(update), "confirm", None, "no_draft")
    await send(update, context, _("This step was already finished or cancelled."))
