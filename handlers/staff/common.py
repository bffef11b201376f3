"""What the staff screens share: the acting staff member, the steps of an action, refusals."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.model import HANDLING_ROLES, RefusalReason, Refused, Role
from bot.domain.staff_base import StaffActor
from bot.domain.texts.labels import role_label, when
from bot.i18n import _
from bot.schools.config import SchoolConfig
from handlers.context import BotContext, Step
from handlers.menu import send_menu
from handlers.messages import send
from handlers.render import esc


@dataclass
class StaffStep(Step):
    """A staff action on one request, waiting for what the member sends."""

    case: int


def clear(context: BotContext) -> None:
    """Forget the staff step held (a request the same person writes as a parent stays)."""
    context.user_state.clear(StaffStep)


def actor(update: Update) -> StaffActor:
    assert update.effective_user is not None
    return StaffActor(update.effective_user.id)


Rows = list[list[InlineKeyboardButton]]
"""An inline keyboard, row by row."""


def user_id(update: Update) -> int:
    """The Telegram account acting."""
    assert update.effective_user is not None
    return update.effective_user.id


async def staff_profile(update: Update, context: BotContext) -> Profile | None:
    """The linked staff member acting, or None after saying this is for staff."""
    user = update.effective_user
    assert user is not None
    profile = await context.services.accounts.profile(user.id)
    if profile is None or not profile.is_staff:
        await context.services.staff_views.refusal(
            actor(update), "staff_command", None, "no_staff"
        )
        if profile is not None:  # a parent; without a link the menu says how to start
            await send(update, context, _("This is only for school staff."))
        await send_menu(update, context)
        return None
    return profile


def _event_done(event: str) -> str:
    match event:
        case "resolved":
            return _("already answered")
        case "rejected":
            return _("already refused")
        case "withdrawn":
            return _("withdrawn by the parent")
        case "taken":
            return _("already taken on")
    return _("already changed")


def no_documents_text() -> str:
    return _(
        "A copy of the dossier is answered with the copy: first attach at least one document "
        "with Attach copy. If the school cannot give a copy, tap Refuse and give the reason; "
        "the parent is told it with their rights. Nothing was changed."
    )


def refusal_text(exc: Refused, school: SchoolConfig | None) -> str:
    """What a refused staff action says: nothing changed, and why."""
    if exc.reason == RefusalReason.NOT_ALLOWED:
        return _("You cannot do this for this request. Nothing was changed.")
    if exc.reason == RefusalReason.VOLUNTARY:
        return _(
            "Data given voluntarily (such as religion) is always deleted on request and "
            "cannot be kept. Nothing was changed."
        )
    if exc.reason == RefusalReason.NO_DOCUMENTS:
        return no_documents_text()
    if exc.reason == RefusalReason.INVALID:
        return _("That is not possible in this form. Nothing was changed.")
    if exc.reason == RefusalReason.REQUESTER_OFF_ROSTER:
        return _(
            "The parent who asked is no longer a guardian of this child on the roster: open "
            "the request again and confirm that the documents may still go to them. Nothing "
            "was changed."
        )
    last, case = exc.last, exc.case
    if last is not None and case is not None and school is not None:
        by = esc(last.staff_name) if last.staff_name else role_label(last.role)
        if last.staff_name and last.role in HANDLING_ROLES:
            by = f"{role_label(last.role)} {esc(last.staff_name)}"
        if last.role == Role.GUARDIAN:
            return _("Request {number} was {what} on {when}. Nothing was changed.").format(
                number=esc(case.number), what=_event_done(last.event), when=when(last.at, school)
            )
        return _("Request {number} was {what} by the {by} on {when}. Nothing was changed.").format(
            number=esc(case.number),
            what=_event_done(last.event),
            by=by,
            when=when(last.at, school),
        )
    return _("This is no longer possible for this request. Nothing was changed.")
