"""What several parent screens share: the acting parent, their child, refusing the rest."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from telegram import Update

from bot.domain.accounts import Profile
from bot.domain.model import Actor, Case
from bot.domain.texts.labels import kind_label
from bot.i18n import _, format_date
from handlers.buttons import Everyone, Parent
from handlers.context import BotContext, Screen
from handlers.menu import send_menu
from handlers.messages import Keyboard, send, show
from handlers.render import esc
from storage.people import Student


def new_key() -> str:
    """The idempotency key of a request being written: its confirm button carries it."""
    return secrets.token_hex(8)


def case_key(profile: Profile, key: str) -> str:
    """The key as the case row carries it (unique per account)."""
    return f"{profile.telegram_user_id}-{key}"


async def already_sent(
    update: Update, context: BotContext, profile: Profile, key: str | None
) -> bool:
    """A confirm tapped again (a double tap, or after a restart): the confirmation of the
    request it sent, shown again; False when that button sent nothing yet."""
    if not key:
        return False
    case = await context.services.cases.submitted_with(actor(profile), case_key(profile, key))
    if case is None:
        return False
    await show(update, context, *submitted_text(context, profile, case))
    return True


def actor(profile: Profile) -> Actor:
    return Actor(profile.telegram_user_id, profile.guardian_ids)


async def parent(update: Update, context: BotContext) -> Profile | None:
    """The linked parent acting, or None after telling the person how to start."""
    user = update.effective_user
    assert user is not None
    profile = await context.services.accounts.profile(user.id)
    if profile is None or not profile.is_guardian:
        await send_menu(update, context)
        return None
    return profile


async def refuse(update: Update, context: BotContext, reason: str) -> None:
    """A button for a child or case that is not this parent's: nothing changes."""
    user = update.effective_user
    assert user is not None
    await context.services.accounts.note_refused_button(user.id, reason)
    await send(update, context, _("That is not possible from this account."))
    await send_menu(update, context)


async def child_of(
    update: Update, context: BotContext, student_id: int | None
) -> tuple[Profile, Student] | None:
    profile = await parent(update, context)
    if profile is None:
        return None
    child = next((c for c in profile.children if c.id == student_id), None)
    if child is None:
        await refuse(update, context, "not_their_child")
        return None
    return profile, child


class AboutChild(Protocol):
    """A button's arguments that name a child."""

    @property
    def child(self) -> int: ...


C = TypeVar("C", bound=AboutChild)
ChildScreen = Callable[[Update, BotContext, C, Profile, Student], Awaitable[None]]


def for_child(screen: ChildScreen[C]) -> Screen[C]:
    """A screen about the child the button names; another family's child is refused."""

    @functools.wraps(screen)
    async def opened(update: Update, context: BotContext, args: C) -> None:
        found = await child_of(update, context, args.child)
        if found is not None:
            await screen(update, context, args, *found)

    return opened


def submitted_text(context: BotContext, profile: Profile, case: Case) -> tuple[str, Keyboard]:
    """What the parent reads after sending a request: its number and the due date."""
    user = profile.telegram_user_id
    text = (
        _("<b>Your request has been sent.</b>")
        + "\n\n"
        + _("Request number: {number} ({kind})").format(
            number=esc(case.number), kind=kind_label(case.kind)
        )
        + "\n"
        + _(
            "The school will answer by {due} at the latest, also if it cannot do what you "
            "ask: then it tells you why."
        ).format(due=format_date(case.due, "full"))
        + "\n"
        + _("You can follow it under My requests.")
    )
    return text, [
        [context.button(user, _("My requests"), Parent.MY_REQUESTS())],
        [context.button(user, _("« Back to the menu"), Everyone.MENU())],
    ]
