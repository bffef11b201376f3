"""Each flow of the parents' menu starts here: with one child straight on, with several
the parent first picks the child."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.i18n import _
from handlers.buttons import Action, Everyone, Flow, Parent
from handlers.context import BotContext, Screen
from handlers.menu import send_menu
from handlers.messages import show
from handlers.parent import access, consent, requests, restriction
from handlers.parent.common import parent
from handlers.texts import group_label

# The first screen of each flow: its button, its screen and the arguments after the child.
FLOWS: dict[str, tuple[Action[Any, Any], Screen[Any], tuple[int, ...]]] = {
    "access": (Parent.ACCESS, access.overview, ()),
    "correct": (Parent.CORRECT, requests.correction_categories, ()),
    "delete": (Parent.DELETE, requests.deletion_categories, (0,)),
    "consent": (Parent.CONSENT, consent.form, ()),
    "restrict": (Parent.RESTRICT, restriction.restriction_categories, ()),
    "object": (Parent.OBJECT, restriction.objection_categories, ()),
}


async def pick_child(update: Update, context: BotContext, args: Flow) -> None:
    profile = await parent(update, context)
    if profile is None or args.flow not in FLOWS:
        return
    action, screen, extra = FLOWS[args.flow]
    if not profile.children:  # no longer on the roster: the menu says what is left
        await send_menu(update, context, edit=True)
        return
    if len(profile.children) == 1:
        await screen(update, context, action(profile.children[0].id, *extra).args)
        return
    user = profile.telegram_user_id
    rows = [
        [
            context.button(
                user, f"{c.first_name} ({group_label(c.group_name)})", action(c.id, *extra)
            )
        ]
        for c in profile.children
    ]
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(update, context, _("About which child?"), rows)
