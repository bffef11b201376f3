"""The screens that lead to a staff step's text (handlers.staff.drafts): the months of an
extension, the legal ground of a refusal, the outcome of an answer and the data kept; and
confirming or cancelling the step."""

from __future__ import annotations

from telegram import Update

from bot.domain.case_details import category_keys
from bot.domain.deadlines import MAX_EXTENSION_MONTHS
from bot.domain.dossier_copy import needs_document
from bot.domain.erasure import keepable, refusal_grounds, voluntary
from bot.domain.model import Kind, Outcome
from bot.domain.outcomes import possible_outcomes
from bot.domain.staff_base import CaseView
from bot.domain.texts.for_staff import correction_note
from bot.domain.texts.labels import ground_name, outcome_label
from bot.domain.transitions import OUTCOMES, Action, extension_months_left
from bot.i18n import _, current_language, ngettext
from handlers.buttons import Choice, ExtendBy, ForCase, KeptData, Staff
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.render import esc
from handlers.staff import common
from handlers.staff.common import Rows, actor, no_documents_text, user_id
from handlers.staff.drafts import Answer, Decision, Extension, Lifting, Note, Refusal, ask
from handlers.staff.screens import open_case
from handlers.staff.steps import cancel_row, checked_view, gone, run


async def lift(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.LIFT)
    if view is not None:
        await ask(update, context, Lifting(case_id), view, new_message=True)


async def note(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.NOTE)
    if view is not None:
        await ask(update, context, Note(case_id), view, new_message=True)


def extension_months(raw: str | int | None) -> int | None:
    """The months of an extension as they arrive (a button's argument, a typed number), or
    None when out of the domain's range: checked here, before any date is drawn."""
    try:
        months = int(raw) if raw is not None else None
    except ValueError:
        return None
    return months if months is not None and 1 <= months <= MAX_EXTENSION_MONTHS else None


async def _refuse_months(update: Update, context: BotContext, case_id: int) -> None:
    await context.services.staff_views.refusal(actor(update), "extend", case_id, "invalid")
    await send(
        update,
        context,
        ngettext(
            "The answer date can be extended by at most {n} month. Nothing was changed.",
            "The answer date can be extended by at most {n} months. Nothing was changed.",
            MAX_EXTENSION_MONTHS,
        ).format(n=MAX_EXTENSION_MONTHS),
    )


async def extend(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.EXTEND)
    if view is None:
        return
    typed = (context.args or [])[1:2] if update.callback_query is None else []
    if typed:  # "/extend 2026-0042 2"
        months = extension_months(typed[0])
        if months is None:
            await _refuse_months(update, context, case_id)
        else:
            await ask(update, context, Extension(case_id, months), view, new_message=False)
        return
    user = user_id(update)
    left = extension_months_left(view.case, context.services.school_by_id[view.case.school_id].tz)
    labels = [_("By one month"), _("By two months")][:left]
    await show(
        update,
        context,
        _(
            "Extend the answer date of request {number}? The law allows at most two more "
            "months in total, for a complex request or when the school has many requests, and "
            "only before the answer date; the parent is told the new date and your reason."
        ).format(number=esc(view.case.number)),
        [
            [
                context.button(user, label, Staff.EXTEND_BY(case_id, n))
                for n, label in enumerate(labels, 1)
            ],
            cancel_row(context, user, case_id),
        ],
    )


async def extend_months(update: Update, context: BotContext, args: ExtendBy) -> None:
    case_id, months = args.case, extension_months(args.months)
    view = await checked_view(update, context, case_id, Action.EXTEND)
    if view is None:
        return
    if months is None:
        await _refuse_months(update, context, case_id)
        return
    await ask(update, context, Extension(case_id, months), view, new_message=False)


async def reject(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.REJECT)
    if view is None:
        return
    user = user_id(update)
    if view.case.kind == Kind.ERASURE:
        school = context.services.school_by_id[view.case.school_id]
        language = current_language()
        given = voluntary(school, category_keys(view.case.details))
        if given:
            labels = [c.label.get(language) for k in given if (c := school.category(k))]
            await send(
                update,
                context,
                _(
                    "This request includes data the parent gave voluntarily ({categories}), "
                    "which is always deleted on request: it cannot be refused as a whole. "
                    "Use Answer and close, then Partly deleted, to keep only what the school "
                    "still needs. Nothing was changed."
                ).format(categories=esc(", ".join(labels))),
            )
            return
        rows: Rows = [
            [context.button(user, ground_name(school, key), Staff.REJECT_ON_GROUND(case_id, i))]
            for i, key in enumerate(refusal_grounds(school, view.student))
        ]
        rows.append(cancel_row(context, user, case_id))
        # A new message: the case card, with the parent's words, stays in view while the
        # ground is chosen and the reason written.
        await send(
            update,
            context,
            _(
                "A deletion is refused only on a ground the parent is told. While the child is "
                "at the school, the data the school still needs for their education is kept; "
                "after leaving, the grounds of the school's config apply. Which one applies?"
            ),
            rows,
        )
        return
    await ask(update, context, Refusal(case_id), view, new_message=True)


async def reject_ground(update: Update, context: BotContext, args: Choice) -> None:
    case_id, index = args
    view = await checked_view(update, context, case_id, Action.REJECT)
    if view is None:
        return
    school = context.services.school_by_id[view.case.school_id]
    grounds = refusal_grounds(school, view.student)
    if not 0 <= index < len(grounds):
        await reject(update, context, case_id)
        return
    refusal = Refusal(case_id, ground=grounds[index])
    await ask(update, context, refusal, view, new_message=False)


def _outcome_button(kind: Kind, outcome: str) -> str:
    if kind == Kind.ACCESS:
        return _("Send the answer")
    return outcome_label(outcome, for_staff=True).capitalize()


def _offered(context: BotContext, view: CaseView) -> list[str]:
    return possible_outcomes(view.case, context.services.school_by_id[view.case.school_id])


async def resolve(update: Update, context: BotContext, case_id: int) -> None:
    view = await checked_view(update, context, case_id, Action.RESOLVE)
    if view is None:
        return
    if needs_document(view.case) and not view.documents:
        user = user_id(update)
        await send(
            update,
            context,
            no_documents_text(),
            [
                [
                    context.button(user, _("Attach copy"), Staff.ATTACH(case_id)),
                    context.button(user, _("Refuse"), Staff.REJECT(case_id)),
                ],
                cancel_row(context, user, case_id),
            ],
        )
        return
    outcomes = OUTCOMES[view.case.kind]
    offered = _offered(context, view)
    if len(offered) == 1:
        await ask(update, context, Answer(view.case.id, offered[0]), view, new_message=False)
        return
    user = user_id(update)
    rows: Rows = [
        [
            context.button(
                user, _outcome_button(view.case.kind, o), Staff.RESOLVE_OUTCOME(case_id, i)
            )
        ]
        for i, o in enumerate(outcomes)
        if o in offered
    ]
    rows.append(cancel_row(context, user, case_id))
    question = _("How was request {number} handled?").format(number=esc(view.case.number))
    if view.case.kind == Kind.RECTIFICATION:
        question += "\n" + correction_note(True)
    await show(update, context, question, rows)


async def resolve_outcome(update: Update, context: BotContext, args: Choice) -> None:
    case_id, index = args
    view = await checked_view(update, context, case_id, Action.RESOLVE)
    if view is None:
        return
    outcomes = OUTCOMES[view.case.kind]
    if not 0 <= index < len(outcomes) or outcomes[index] not in _offered(context, view):
        await resolve(update, context, case_id)
        return
    if outcomes[index] == Outcome.PARTLY_ERASED:
        await _kept(update, context, view, 0)
        return
    await ask(update, context, Answer(case_id, outcomes[index]), view, new_message=False)


async def _kept(update: Update, context: BotContext, view: CaseView, mask: int) -> None:
    school = context.services.school_by_id[view.case.school_id]
    language = current_language()
    keys = category_keys(view.case.details)
    user = user_id(update)
    rows: Rows = []
    for i, key in enumerate(keys):
        category = school.category(key)
        if category is None or category.voluntary:
            continue  # data given voluntarily is never kept
        label = category.label.get(language)
        mark = "☑" if mask >> i & 1 else "☐"
        rows.append(
            [
                context.button(
                    user, f"{mark} {label}", Staff.RESOLVE_KEPT(view.case.id, mask ^ (1 << i))
                )
            ]
        )
    if mask:
        rows.append(
            [context.button(user, _("Next"), Staff.RESOLVE_KEPT_CHOSEN(view.case.id, mask))]
        )
    rows.append(cancel_row(context, user, view.case.id))
    await show(
        update,
        context,
        _(
            "Which data does the school keep? The parent is told why each is kept. Data the "
            "parent gave voluntarily is always deleted and is not listed."
        ),
        rows,
    )


async def kept_toggled(update: Update, context: BotContext, args: KeptData) -> None:
    view = await checked_view(update, context, args.case, Action.RESOLVE)
    if view is not None:
        await _kept(update, context, view, args.mask)


async def kept_chosen(update: Update, context: BotContext, args: KeptData) -> None:
    view = await checked_view(update, context, args.case, Action.RESOLVE)
    if view is None:
        return
    mask = args.mask
    school = context.services.school_by_id[view.case.school_id]
    keys = category_keys(view.case.details)
    kept = keepable(school, [k for i, k in enumerate(keys) if mask >> i & 1])
    if not kept:
        await _kept(update, context, view, 0)
        return
    answer = Answer(view.case.id, Outcome.PARTLY_ERASED, kept)
    await ask(update, context, answer, view, new_message=False)


async def no_message(update: Update, context: BotContext, args: ForCase) -> None:
    draft = context.user_state.held(Answer)
    if draft is None or draft.case != args.case:
        await gone(update, context)
        return
    await draft.take_text(update, context, None)


async def confirmed(update: Update, context: BotContext, args: ForCase) -> None:
    draft = context.user_state.held(Decision)
    case_id = args.case
    if draft is None or draft.case != case_id or not draft.written:
        await gone(update, context)
        return
    staff_cases, who = context.services.staff_cases, actor(update)
    await run(update, context, case_id, lambda: draft.do(staff_cases, who), draft.said())


async def cancelled(update: Update, context: BotContext, args: ForCase) -> None:
    common.clear(context)
    await show(update, context, _("Cancelled. Nothing was changed."))
    await open_case(update, context, args.case, edit=False)
