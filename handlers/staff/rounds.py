"""Consent rounds for the head teacher (their school) and the foundation's privacy officer
(numbers only): the list of rounds, a round's screen with its progress, Close now, Cancel
and its table as a CSV file. Preparing a new round is handlers.staff.round_drafts; the
rules are bot.domain.rounds."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, Update

from bot.domain.rounds.model import Refusal, Round, RoundRefused
from bot.domain.rounds.views import RoundLine, RoundView
from bot.domain.texts.for_staff_rounds import (
    cancel_question,
    close_question,
    csv_caption,
    ended_line,
    not_for_rounds,
    officer_lines,
    round_button_label,
    round_screen,
    rounds_list_text,
    staff_refusal_line,
)
from bot.i18n import _
from bot.schools.config import SchoolConfig
from handlers.buttons import Everyone, ForRound, NoArgs, Staff
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.staff.common import Rows, actor, staff_profile, user_id

ENDED_SHOWN = 5
"""Closed and cancelled rounds per school with a button in the list (the newest)."""


def back_to_rounds(context: BotContext, user: int) -> list[InlineKeyboardButton]:
    return [context.button(user, _("« Consent rounds"), Staff.ROUNDS())]


async def round_schools(update: Update, context: BotContext) -> dict[int, SchoolConfig] | None:
    """The schools whose rounds this staff member runs; None after saying they run none."""
    if await staff_profile(update, context) is None:
        return None
    schools = await context.services.rounds.schools_for(actor(update))
    if not schools:
        await context.services.staff_views.refusal(actor(update), "rounds", None, "no_rounds")
        user = user_id(update)
        await show(
            update,
            context,
            not_for_rounds(),
            [[context.button(user, _("« Back to the menu"), Everyone.MENU())]],
        )
        return None
    return schools


async def rounds_menu(update: Update, context: BotContext, _args: NoArgs) -> None:
    await show_rounds(update, context)


async def show_rounds(update: Update, context: BotContext, *, new_message: bool = False) -> None:
    """Every round of the member's schools, open ones first, and New round."""
    schools = await round_schools(update, context)
    if schools is None:
        return
    lines = await context.services.round_views.rounds(actor(update))
    per_school = [
        (school, [ln for ln in lines if ln.round.school_id == i]) for i, school in schools.items()
    ]
    user, several = user_id(update), len(schools) > 1
    rows: Rows = [[context.button(user, _("New round"), Staff.DRAFT())]]
    for school, found in per_school:
        for line in _with_buttons(found):
            rows.append(
                [
                    context.button(
                        user,
                        round_button_label(line.round, school, several),
                        Staff.ROUND(line.round.id),
                    )
                ]
            )
    if several:
        rows.append([context.button(user, _("Per school in numbers"), Staff.ROUNDS_COUNTS())])
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await (send if new_message else show)(update, context, rounds_list_text(per_school), rows)


def _with_buttons(lines: Sequence[RoundLine]) -> list[RoundLine]:
    ended = [ln for ln in lines if not ln.round.is_open][:ENDED_SHOWN]
    return [ln for ln in lines if ln.round.is_open] + ended


async def counts(update: Update, context: BotContext, _args: NoArgs) -> None:
    """For the privacy officer: every round per school, in numbers."""
    if await round_schools(update, context) is None:
        return
    found = await context.services.round_views.for_officer(actor(update))
    text = officer_lines([(s.school, s.views) for s in found])
    await show(update, context, text, [back_to_rounds(context, user_id(update))])


async def _view(update: Update, context: BotContext, round_id: int) -> RoundView | None:
    if await round_schools(update, context) is None:
        return None
    try:
        return await context.services.round_views.view(actor(update), round_id)
    except RoundRefused as refused:
        await _refused(update, context, refused)
        return None


async def _refused(update: Update, context: BotContext, refused: RoundRefused) -> None:
    school = (
        context.services.school_by_id.get(refused.round.school_id)
        if refused.round is not None
        else None
    )
    user = user_id(update)
    await send(
        update, context, staff_refusal_line(refused, school), [back_to_rounds(context, user)]
    )


def _round_rows(context: BotContext, user: int, view: RoundView) -> Rows:
    round_id = view.round.id
    rows: Rows = [[context.button(user, _("Refresh"), Staff.ROUND(round_id))]]
    if view.round.is_open:
        rows.append(
            [
                context.button(user, _("Close now"), Staff.ROUND_CLOSE(round_id)),
                context.button(user, _("Cancel the round"), Staff.ROUND_CANCEL(round_id)),
            ]
        )
    if view.paper is not None:
        rows.append([context.button(user, _("Table (CSV)"), Staff.ROUND_CSV(round_id))])
    rows.append(back_to_rounds(context, user))
    return rows


async def show_round(
    update: Update, context: BotContext, round_id: int, *, above: str | None = None
) -> None:
    """The round's screen: progress, per group and purpose, who needs paper; ``above`` a
    line of what just happened."""
    view = await _view(update, context, round_id)
    if view is None:
        return
    text = round_screen(view)
    if above:
        text = above + "\n\n" + text
    await show(update, context, text, _round_rows(context, user_id(update), view))


async def round_button(update: Update, context: BotContext, args: ForRound) -> None:
    await show_round(update, context, args.round)


async def close(update: Update, context: BotContext, args: ForRound) -> None:
    await _ask(update, context, args.round, close=True)


async def cancel(update: Update, context: BotContext, args: ForRound) -> None:
    await _ask(update, context, args.round, close=False)


async def _ask(update: Update, context: BotContext, round_id: int, *, close: bool) -> None:
    view = await _view(update, context, round_id)
    if view is None:
        return
    if not view.round.is_open:
        refused = RoundRefused(Refusal.NOT_OPEN, round=view.round)
        above = staff_refusal_line(refused, view.school)
        await show_round(update, context, round_id, above=above)
        return
    user = user_id(update)
    if close:
        text, yes = close_question(view.round), Staff.ROUND_CLOSE_CONFIRMED(round_id)
        label = _("Yes, close it now")
    else:
        text, yes = cancel_question(view.round), Staff.ROUND_CANCEL_CONFIRMED(round_id)
        label = _("Yes, cancel the round")
    await show(
        update,
        context,
        text,
        [
            [context.button(user, label, yes)],
            [context.button(user, _("« Back to the round"), Staff.ROUND(round_id))],
        ],
    )


async def close_confirmed(update: Update, context: BotContext, args: ForRound) -> None:
    await _end(update, context, args.round, close=True)


async def cancel_confirmed(update: Update, context: BotContext, args: ForRound) -> None:
    await _end(update, context, args.round, close=False)


async def _end(update: Update, context: BotContext, round_id: int, *, close: bool) -> None:
    if await round_schools(update, context) is None:
        return
    closing = context.services.round_closing
    try:
        ended: Round = await (closing.close_now if close else closing.cancel)(
            actor(update), round_id
        )
    except RoundRefused as refused:
        await _refused(update, context, refused)
        return
    await show_round(update, context, round_id, above=ended_line(ended))


async def csv_button(update: Update, context: BotContext, args: ForRound) -> None:
    view = await _view(update, context, args.round)
    if view is None:
        return
    try:
        filename, data = await context.services.round_views.export(actor(update), args.round)
    except RoundRefused as refused:
        await _refused(update, context, refused)
        return
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id, document=data, filename=filename, caption=csv_caption(view.round)
    )
