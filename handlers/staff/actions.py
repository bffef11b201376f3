"""Staff actions on a case by command or button: take on, pass to the head teacher,
assign; and the table of commands that name a case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update

from bot.domain.texts.labels import role_label
from bot.domain.transitions import Action
from bot.i18n import _
from handlers.buttons import AssignTo, ForCase, Staff
from handlers.context import BotContext, Screen
from handlers.messages import show
from handlers.render import esc
from handlers.staff import common
from handlers.staff.answering import extend, note, reject, resolve
from handlers.staff.common import Rows, actor, user_id
from handlers.staff.documents import attach
from handlers.staff.screens import case_id_from_args
from handlers.staff.steps import cancel_row, checked_view, run


async def take(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.TAKE)
    if view is None:
        return
    await run(
        update,
        context,
        case_id,
        lambda: context.services.staff_cases.take(actor(update), case_id),
        _("You have taken on request {number}. The parent has been told.").format(
            number=esc(view.case.number)
        ),
    )


async def escalate(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.ESCALATE)
    if view is None:
        return
    user = user_id(update)
    await show(
        update,
        context,
        _("Pass request {number} to the head teacher?").format(number=esc(view.case.number)),
        [
            [context.button(user, _("Yes, pass it on"), Staff.ESCALATE_CONFIRMED(case_id))],
            cancel_row(context, user, case_id),
        ],
    )


async def escalate_confirmed(update: Update, context: BotContext, args: ForCase) -> None:
    case_id = args.case
    if await checked_view(update, context, case_id, Action.ESCALATE) is None:
        return
    await run(
        update,
        context,
        case_id,
        lambda: context.services.staff_cases.escalate(actor(update), case_id),
        _("The request is now with the head teacher."),
    )


async def assign(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.ASSIGN)
    if view is None:
        return
    user = user_id(update)
    colleagues = await context.services.staff_views.assignable(view.case.school_id)
    rows: Rows = [
        [context.button(user, f"{name} ({role_label(role)})", Staff.ASSIGN_TO(case_id, staff_id))]
        for staff_id, name, role in colleagues
    ]
    rows.append(cancel_row(context, user, case_id))
    await show(
        update,
        context,
        _("Assign request {number} to:").format(number=esc(view.case.number)),
        rows,
    )


async def assign_confirmed(update: Update, context: BotContext, args: AssignTo) -> None:
    case_id, staff_id = args
    if await checked_view(update, context, case_id, Action.ASSIGN) is None:
        return
    await run(
        update,
        context,
        case_id,
        lambda: context.services.staff_cases.assign(actor(update), case_id, staff_id),
        _("The request has been assigned. Your colleague has been told."),
    )


CaseAction = Callable[[Update, BotContext, int], Awaitable[None]]


# The commands that name a case ("/take 2026-0042"); the buttons are in handlers.router.
BY_CASE: dict[str, CaseAction] = {
    "take": take,
    "note": note,
    "extend": extend,
    "escalate": escalate,
    "assign": assign,
    "reject": reject,
    "resolve": resolve,
    "attach": attach,
}


def command(name: str) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def handle(update: Update, context: BotContext) -> None:
        common.clear(context)
        case_id = await case_id_from_args(update, context, name)
        if case_id is not None:
            await BY_CASE[name](update, context, case_id)

    return handle


def on_case(step: CaseAction) -> Screen[ForCase]:
    """The button that starts ``step`` for the case it names."""

    async def handle(update: Update, context: BotContext, args: ForCase) -> None:
        await step(update, context, args.case)

    return handle
