"""/language, /privacy and /forgetme."""

from __future__ import annotations

from telegram import Update

from bot.domain.texts.for_parents import controller_line, good_to_know_lines, recipient_lines
from bot.i18n import _, current_language
from bot.schools.config import SchoolConfig
from handlers.buttons import Everyone, NoArgs, YesNo
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.onboarding import language_keyboard
from handlers.render import esc


async def language_command(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    await send(
        update,
        context,
        _("In which language shall I write to you?"),
        language_keyboard(context, update.effective_user.id, current_language()),
    )


async def language_button(update: Update, context: BotContext, _args: NoArgs) -> None:
    await language_command(update, context)


def privacy_summary(school: SchoolConfig) -> str:
    lang = current_language()
    lines = [
        _("<b>Privacy at {school}</b>").format(school=esc(school.name)),
        "",
        _(
            "The school records data about pupils only where it is needed for teaching, "
            "guidance and the organisation around it. Most of it comes from you, at "
            "enrolment; teachers add progress and guidance notes."
        ),
        controller_line(school),
        "",
        _("<b>What the school records</b>"),
    ]
    for category in school.categories:
        line = f"• {esc(category.label.get(lang))}: {esc(category.purpose.get(lang))}"
        if category.voluntary:
            line += " " + _("(voluntary: you decide whether the school records this)")
        lines.append(line)
    if school.recipients:
        lines += ["", _("<b>Who else receives data, and on what basis</b>")]
        lines += recipient_lines(school, what=False)
    lines += [
        "",
        _("<b>Your rights</b>"),
        _(
            "You may see the data about your child, have wrong data corrected, have data that "
            "is no longer relevant deleted, restrict its use (GDPR (AVG) Art. 18) or object to it "
            "(Art. 21), and give or withdraw consent for photos and video at any time. Once "
            "your account is linked, each of these is a button in /menu."
        ),
        _(
            "If you are not satisfied with how the school handles your request, you can "
            "complain to the Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl)."
        ),
        "",
        *good_to_know_lines(school),
        "",
        _("<b>Questions?</b>"),
        f"• {esc(school.contacts.teacher.get(lang))}",
        f"• {esc(school.contacts.director.get(lang))}",
        f"• {esc(school.contacts.privacy_officer.get(lang))}",
    ]
    return "\n".join(lines)


async def _privacy(update: Update, context: BotContext, *, edit: bool) -> None:
    assert update.effective_user is not None
    services = context.services
    profile = await services.accounts.profile(update.effective_user.id)
    if profile is not None:
        schools = [services.school_by_id[s] for s in sorted(profile.school_ids)]
    else:
        schools = list(services.schools.values())
    text = "\n\n".join(privacy_summary(s) for s in schools)
    keyboard = (
        [[context.button(update.effective_user.id, _("« Back to the menu"), Everyone.MENU())]]
        if profile is not None
        else None
    )
    await (show if edit else send)(update, context, text, keyboard)


async def privacy_command(update: Update, context: BotContext) -> None:
    await _privacy(update, context, edit=False)


async def privacy_button(update: Update, context: BotContext, _args: NoArgs) -> None:
    await _privacy(update, context, edit=True)


async def forgetme_command(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    if await context.services.accounts.profile(user.id) is None:
        await send(update, context, _("There is nothing linked to this Telegram account."))
        return
    await send(
        update,
        context,
        _(
            "This unlinks this Telegram account from Privacyloket and deletes what the bot "
            "holds about the account itself (the link and your language choice)."
        )
        + "\n\n"
        + _(
            "What stays: your photo-consent choices remain in force until you or another "
            "parent change them, and the school keeps the record of your requests (number, "
            "kind, dates and outcome). The right to erasure (GDPR (AVG) Art. 17) makes an "
            "exception "
            "for this record: the school needs it to meet its legal obligations and to show "
            "how it handled your requests (Art. 17(3))."
        )
        + "\n\n"
        + _("To use Privacyloket again you will need a new code from the school.")
        + "\n\n"
        + _("Do you want to unlink this account?"),
        [
            [context.button(user.id, _("Yes, unlink this account"), Everyone.UNLINK("yes"))],
            [context.button(user.id, _("No, keep it"), Everyone.UNLINK("no"))],
        ],
    )


async def forget_button(update: Update, context: BotContext, args: YesNo) -> None:
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id  # also the id of their private chat
    if args.answer != "yes":
        await show(update, context, _("Nothing was changed. Your account stays linked."))
        return
    await context.services.accounts.forget(user_id, user_id)
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(user_id)
    await show(
        update,
        context,
        _(
            "Done. This Telegram account is no longer linked and the bot has deleted what it "
            "held about it. Thank you for using Privacyloket."
        ),
    )
