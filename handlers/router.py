"""Every button outside a conversation, by its action: one table, one handler."""

from __future__ import annotations

from telegram import Update

from bot.i18n import _
from handlers import account, fallback, menu, onboarding
from handlers.callbacks import Callback
from handlers.context import BotContext, Screen
from handlers.messages import show
from handlers.outbox_sender import RECEIPT_ACTION
from handlers.parent import access, consent, my_requests, requests, restriction
from handlers.parent.common import parent
from handlers.staff import consents as staff_consents
from handlers.staff import routes as staff_routes
from handlers.texts import group_label

# The first screen of each flow: its action and the arguments after the child's id.
FLOWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "access": ("acc", ()),
    "correct": ("cor", ()),
    "delete": ("del", ("0",)),
    "consent": ("con", ()),
    "restrict": ("res", ()),
    "object": ("obj", ()),
}


async def pick_child(update: Update, context: BotContext, cb: Callback) -> None:
    """Each flow starts here: with one child straight on, with several the parent picks."""
    flow = cb.args[0] if cb.args else ""
    profile = await parent(update, context)
    if profile is None or flow not in FLOWS:
        return
    action, extra = FLOWS[flow]
    if len(profile.children) == 1:
        await ROUTES[action](
            update, context, Callback(action, (str(profile.children[0].id), *extra))
        )
        return
    user = profile.telegram_user_id
    rows = [
        [
            context.button(
                user, f"{c.first_name} ({group_label(c.group_name)})", action, c.id, *extra
            )
        ]
        for c in profile.children
    ]
    rows.append([context.button(user, _("« Back to the menu"), "menu")])
    await show(update, context, _("About which child?"), rows)


ROUTES: dict[str, Screen] = {
    "menu": lambda u, c, _cb: menu.menu_button(u, c),
    "privacy": lambda u, c, _cb: account.privacy_button(u, c),
    "language": lambda u, c, _cb: account.language_button(u, c),
    "lang": onboarding.language_chosen,
    "forget": lambda u, c, _cb: account.forget_button(u, c),
    "flow": pick_child,
    "acc": access.overview,
    "accreq": access.confirm_request,
    "accok": access.submit_request,
    "cor": requests.correction_categories,
    "corcat": requests.correction_text,
    "del": requests.deletion_categories,
    "delnext": requests.deletion_reason,
    "sub": requests.submit,
    "edit": requests.edit_text,
    "drop": requests.drop,
    "res": restriction.restriction_categories,
    "rescat": restriction.restriction_text,
    "obj": restriction.objection_categories,
    "objcat": restriction.objection_text,
    "con": consent.form,
    "conrev": consent.review,
    "conok": consent.confirm,
    "my": my_requests.overview,
    "case": my_requests.detail,
    "wd": my_requests.confirm_withdraw,
    "wdok": my_requests.withdraw,
    # Staff: consent lists (the staff menu's "Consent lists" button is stcons).
    "stcons": lambda u, c, _cb: staff_consents.consents_menu(u, c),
    "stc": staff_consents.list_button,
    "stcsv": staff_consents.csv_button,
    "rcv": my_requests.confirm_receipt,
    RECEIPT_ACTION: my_requests.receipt_from_delivery,
    "docs": my_requests.send_documents,
    **staff_routes.ROUTES,
}


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    decoded = context.codec.decode(query.from_user.id, query.data or "")
    screen = ROUTES.get(decoded.action) if decoded else None
    if decoded is None or screen is None:
        await fallback.unexpected(update, context)
        return
    await screen(update, context, decoded)
