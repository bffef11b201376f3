"""Every button, by its action (handlers.buttons): one table, one handler. The gate
(handlers.gate) has decoded the tap; here it goes to its screen with its typed arguments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from telegram import Update

from handlers import account, fallback, menu, onboarding
from handlers.buttons import ALL, Action, Everyone, Parent, Staff
from handlers.context import BotContext, Screen
from handlers.parent import (
    access,
    consent,
    consent_ledger,
    flows,
    my_requests,
    requests,
    restriction,
    round_answers,
)
from handlers.staff import (
    actions,
    answering,
    consents,
    documents,
    paper_answers,
    photo_check,
    round_drafts,
    rounds,
    screens,
    team,
)

P = ParamSpec("P")
A = TypeVar("A", bound=tuple[Any, ...])


@dataclass(frozen=True, slots=True)
class Route:
    action: Action[Any, Any]
    screen: Screen[Any]


def route(
    action: Action[P, A], screen: Callable[[Update, BotContext, A], Awaitable[None]]
) -> Route:
    """``action``'s button opens ``screen`` (mypy checks they take the same arguments)."""
    return Route(action, screen)


def _table(*routes: Route) -> dict[Action[Any, Any], Screen[Any]]:
    table = {r.action: r.screen for r in routes}
    if len(table) != len(routes) or set(table) != set(ALL):
        missing = sorted(a.name for a in set(ALL) - set(table))
        raise TypeError(f"every button has one route; without one: {missing}")
    return table


ROUTES = _table(
    route(Everyone.MENU, menu.menu_button),
    route(Everyone.PRIVACY, account.privacy_button),
    route(Everyone.LANGUAGES, account.language_button),
    route(Everyone.LANGUAGE, onboarding.language_chosen),
    route(Everyone.UNLINK, account.forget_button),
    # Parents: each flow of the menu, then its screens.
    route(Parent.START, flows.pick_child),
    route(Parent.ACCESS, access.overview),
    route(Parent.ACCESS_COPY, access.choose_delivery),
    route(Parent.ACCESS_COPY_VIA, access.confirm_request),
    route(Parent.ACCESS_COPY_SEND, access.submit_request),
    route(Parent.CORRECT, requests.correction_categories),
    route(Parent.CORRECT_CATEGORY, requests.correction_text),
    route(Parent.DELETE, requests.deletion_categories),
    route(Parent.DELETE_CHOSEN, requests.deletion_reason),
    route(Parent.RESTRICT, restriction.restriction_categories),
    route(Parent.RESTRICT_CATEGORY, restriction.restriction_text),
    route(Parent.OBJECT, restriction.objection_categories),
    route(Parent.OBJECT_CATEGORY, restriction.objection_text),
    route(Parent.REQUEST_SEND, requests.submit),
    route(Parent.REQUEST_EDIT, requests.edit_text),
    route(Parent.REQUEST_DROP, requests.drop),
    route(Parent.CONSENT, consent.form),
    route(Parent.CONSENT_REVIEW, consent.review),
    route(Parent.CONSENT_CONFIRM, consent.confirm),
    route(Parent.LEDGER, consent_ledger.ledger),
    route(Parent.MY_REQUESTS, my_requests.overview),
    route(Parent.REQUEST, my_requests.detail),
    route(Parent.WITHDRAW, my_requests.confirm_withdraw),
    route(Parent.WITHDRAW_CONFIRMED, my_requests.withdraw),
    route(Parent.RECEIVED, my_requests.confirm_receipt),
    route(Parent.RECEIVED_DELIVERY, my_requests.receipt_from_delivery),
    route(Parent.RESEND_DOCUMENTS, my_requests.send_documents),
    route(Parent.ROUND_QUESTION, round_answers.question),
    route(Parent.ROUND_CHOOSE, round_answers.choose),
    route(Parent.ROUND_SEND, round_answers.send_answers),
    route(Parent.ROUND_KEEP, round_answers.keep),
    # Staff: the queue and one request, the actions on it, the consent lists.
    route(Staff.QUEUE, screens.queue_button),
    route(Staff.COUNTS, screens.counts_button),
    route(Staff.CASE, screens.case_button),
    route(Staff.CASE_FROM_NOTICE, screens.case_from_notice),
    route(Staff.TAKE, actions.on_case(actions.take)),
    route(Staff.NOTE, actions.on_case(answering.note)),
    route(Staff.EXTEND, actions.on_case(answering.extend)),
    route(Staff.EXTEND_BY, answering.extend_months),
    route(Staff.ESCALATE, actions.on_case(actions.escalate)),
    route(Staff.ESCALATE_CONFIRMED, actions.escalate_confirmed),
    route(Staff.ASSIGN, actions.on_case(actions.assign)),
    route(Staff.ASSIGN_TO, actions.assign_confirmed),
    route(Staff.REJECT, actions.on_case(answering.reject)),
    route(Staff.REJECT_ON_GROUND, answering.reject_ground),
    route(Staff.RESOLVE, actions.on_case(answering.resolve)),
    route(Staff.RESOLVE_OUTCOME, answering.resolve_outcome),
    route(Staff.RESOLVE_KEPT, answering.kept_toggled),
    route(Staff.RESOLVE_KEPT_CHOSEN, answering.kept_chosen),
    route(Staff.RESOLVE_NO_MESSAGE, answering.no_message),
    route(Staff.CONFIRM, answering.confirmed),
    route(Staff.CANCEL, answering.cancelled),
    route(Staff.ATTACH, actions.on_case(documents.attach)),
    route(Staff.INFORMED, documents.informed),
    route(Staff.NOT_APPLICABLE, documents.not_applicable),
    route(Staff.LIFT, actions.on_case(answering.lift)),
    route(Staff.CONSENT_LISTS, consents.consents_menu),
    route(Staff.CONSENT_LIST, consents.list_button),
    route(Staff.CONSENT_CSV, consents.csv_button),
    # From the consent lists: check a photo, a pupil's screen, record a paper form.
    route(Staff.PHOTO_CHECK, photo_check.start),
    route(Staff.PHOTO_PURPOSE, photo_check.purpose_chosen),
    route(Staff.PHOTO_TOGGLE, photo_check.toggle),
    route(Staff.PHOTO_PAGE, photo_check.page),
    route(Staff.PHOTO_GROUP, photo_check.toggle_group),
    route(Staff.PHOTO_RUN, photo_check.run),
    route(Staff.PUPILS, paper_answers.pupils),
    route(Staff.PUPIL, paper_answers.pupil),
    route(Staff.PAPER, paper_answers.who_signed),
    route(Staff.PAPER_FORM, paper_answers.form),
    route(Staff.PAPER_REVIEW, paper_answers.review),
    route(Staff.PAPER_CONFIRM, paper_answers.confirm),
    # The head teacher's Staff screen.
    route(Staff.TEAM, team.team),
    route(Staff.TEAM_MEMBER, team.member),
    route(Staff.TEAM_REMOVE, team.remove),
    route(Staff.TEAM_REMOVE_CONFIRMED, team.remove_confirmed),
    route(Staff.TEAM_GROUPS, team.groups),
    route(Staff.TEAM_GROUPS_SAVE, team.groups_save),
    route(Staff.TEAM_CODE, team.code),
    route(Staff.TEAM_CODE_CONFIRMED, team.code_confirmed),
    # Consent rounds: the head teacher's and the privacy officer's list, a round, a new one.
    route(Staff.ROUNDS, rounds.rounds_menu),
    route(Staff.ROUNDS_COUNTS, rounds.counts),
    route(Staff.ROUND, rounds.round_button),
    route(Staff.ROUND_CLOSE, rounds.close),
    route(Staff.ROUND_CLOSE_CONFIRMED, rounds.close_confirmed),
    route(Staff.ROUND_CANCEL, rounds.cancel),
    route(Staff.ROUND_CANCEL_CONFIRMED, rounds.cancel_confirmed),
    route(Staff.ROUND_CSV, rounds.csv_button),
    route(Staff.DRAFT, round_drafts.new_round),
    route(Staff.DRAFT_SHOW, round_drafts.show_draft),
    route(Staff.DRAFT_SCHOOL, round_drafts.toggle_school),
    route(Staff.DRAFT_PURPOSE, round_drafts.toggle_purpose),
    route(Staff.DRAFT_AUDIENCE, round_drafts.toggle_audience),
    route(Staff.DRAFT_MESSAGE, round_drafts.ask_message),
    route(Staff.DRAFT_NO_MESSAGE, round_drafts.no_message),
    route(Staff.DRAFT_DATE, round_drafts.ask_date),
    route(Staff.DRAFT_PREVIEW, round_drafts.preview),
    route(Staff.DRAFT_START, round_drafts.start),
    route(Staff.DRAFT_DROP, round_drafts.drop),
)


async def on_button(update: Update, context: BotContext) -> None:
    tap = context.tap
    if tap is None:  # signed by this bot, but no button of this version
        await fallback.unexpected(update, context)
        return
    await ROUTES[tap.action](update, context, tap.args)
