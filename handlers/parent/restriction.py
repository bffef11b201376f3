"""Restricting the use of data (AVG art. 18) and objecting to it (art. 21).

Both work like a correction: pick the child, the kind of data from the school's register,
write the reason, check the summary and send. The request goes to the director and has
the usual one-month deadline.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.model import Kind
from bot.domain.objection import objectable, on_consent, rests_on_consent
from bot.i18n import _, current_language
from handlers.buttons import ChildCategory, Everyone, ForChild, Parent
from handlers.context import BotContext
from handlers.messages import show
from handlers.parent.common import for_child
from handlers.parent.requests import RequestDraft, ask_text
from handlers.render import esc
from storage.people import Student


def _explanation(kind: Kind) -> str:
    if kind == Kind.RESTRICTION:
        return _(
            "You can ask the school to restrict the use of data (GDPR (AVG) Art. 18): the school "
            "keeps it but does not otherwise use it. This applies while the school checks "
            "data you say is wrong or decides on your objection, when the use is unlawful "
            "but you want the data kept, or when the school no longer needs it but you do, "
            "for a legal claim."
        )
    return _(
        "You can object to the school's use of data because of your particular situation "
        "(GDPR (AVG) Art. 21). The school then stops, unless it has compelling grounds that "
        "outweigh your interests. Data the school must process by law, such as reporting "
        "absence to the school attendance officer, is not covered."
    )


async def _categories(
    update: Update, context: BotContext, profile: Profile, child: Student, kind: Kind
) -> None:
    school = context.services.school_by_id[child.school_id]
    language = current_language()
    user = profile.telegram_user_id
    action = Parent.RESTRICT_CATEGORY if kind == Kind.RESTRICTION else Parent.OBJECT_CATEGORY
    categories = school.categories if kind == Kind.RESTRICTION else objectable(school)
    rows: list[list[InlineKeyboardButton]] = [
        [context.button(user, c.label.get(language), action(child.id, c.key))] for c in categories
    ]
    consent_lines: list[str] = []
    if kind == Kind.OBJECTION and (by_consent := on_consent(school)):
        consent_lines = [
            "",
            _(
                "{categories}: the school uses this only with your consent, so you do not need "
                "to object. Withdraw your consent under Photo consent (it takes effect at "
                "once), or have data you gave voluntarily deleted under Delete data (that is "
                "never refused)."
            ).format(categories=esc(", ".join(c.label.get(language) for c in by_consent))),
        ]
        rows.append(
            [
                context.button(user, _("Photo consent"), Parent.CONSENT(child.id)),
                context.button(user, _("Delete data"), Parent.DELETE(child.id, 0)),
            ]
        )
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    heading = (
        _("<b>Restrict the use of data about {child}</b>")
        if kind == Kind.RESTRICTION
        else _("<b>Object to the use of data about {child}</b>")
    )
    await show(
        update,
        context,
        heading.format(child=esc(child.first_name))
        + "\n\n"
        + _explanation(kind)
        + "\n".join(consent_lines)
        + "\n\n"
        + _("Which data is it about?"),
        rows,
    )


async def _text(
    update: Update,
    context: BotContext,
    args: ChildCategory,
    profile: Profile,
    child: Student,
    kind: Kind,
) -> None:
    school = context.services.school_by_id[child.school_id]
    category = school.category(args.category)
    if category is None or (kind == Kind.OBJECTION and rests_on_consent(category)):
        await _categories(update, context, profile, child, kind)
        return
    draft = RequestDraft(kind.value, child.id, {"category": category.key})
    await ask_text(update, context, draft, child)


@for_child
async def restriction_categories(
    update: Update, context: BotContext, args: ForChild, profile: Profile, child: Student
) -> None:
    await _categories(update, context, profile, child, Kind.RESTRICTION)


@for_child
async def restriction_text(
    update: Update, context: BotContext, args: ChildCategory, profile: Profile, child: Student
) -> None:
    await _text(update, context, args, profile, child, Kind.RESTRICTION)


@for_child
async def objection_categories(
    update: Update, context: BotContext, args: ForChild, profile: Profile, child: Student
) -> None:
    await _categories(update, context, profile, child, Kind.OBJECTION)


@for_child
async def objection_text(
    update: Update, context: BotContext, args: ChildCategory, profile: Profile, child: Student
) -> None:
    await _text(update, context, args, profile, child, Kind.OBJECTION)
