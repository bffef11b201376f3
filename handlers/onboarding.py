"""Linking a Telegram account: /start with the code, a child's date of birth, a language."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain import onboarding as rules
from bot.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    Language,
    _,
    current_language,
    is_language,
    ngettext,
    set_language,
    suggest_language,
    use_language,
)
from handlers.callbacks import pattern
from handlers.commands import publish_staff_commands
from handlers.context import BotContext
from handlers.menu import menu_content, send_menu
from handlers.messages import Keyboard, send, show
from handlers.render import esc
from handlers.texts import wait_text

CODE: Final = "code"
BIRTH_DATE: Final = "birth_date"
LANGUAGE: Final = "language"
END: Final = ConversationHandler.END


def _ids(update: Update) -> tuple[int, int]:
    """The account and the chat to address it by: always the person's private chat, whose
    id is theirs (never a group's, even if a group update got this far)."""
    assert update.effective_user is not None
    return update.effective_user.id, update.effective_user.id


def _code_prompt() -> str:
    return _(
        "Please type the code from the school's letter. It looks like this: "
        "<code>ABCDE-FGHJK-MNPQ-RSTV-WXYZ-0123</code>"
    )


async def start(update: Update, context: BotContext) -> object:
    user_id, _chat_id = _ids(update)
    typed = " ".join(context.args or [])
    if typed:
        return await _redeem(update, context, typed, welcome=True)
    profile = await context.services.accounts.profile(user_id)
    if profile is not None:
        if profile.is_staff:
            await publish_staff_commands(context, profile, _chat_id)
        await send_menu(update, context)
        return END
    await send(
        update,
        context,
        _("Welcome to <b>Privacyloket</b>.")
        + "\n\n"
        + _(
            "Here you can see what the school records about your child, ask for a correction "
            "or deletion, and give or withdraw consent for photos."
        )
        + "\n\n"
        + _code_prompt()
        + "\n"
        + _("Type /cancel to stop."),
    )
    return CODE


async def code_typed(update: Update, context: BotContext) -> object:
    assert update.message is not None and update.message.text is not None
    return await _redeem(update, context, update.message.text)


async def _redeem(
    update: Update, context: BotContext, typed: str, *, welcome: bool = False
) -> object:
    user_id, chat_id = _ids(update)
    services = context.services
    result = await services.onboarding.redeem_code(user_id, chat_id, typed, current_language())
    now = services.clock.now()
    match result:
        case rules.NotACode():
            await send(
                update, context, _("That is not a code I recognise.") + " " + _code_prompt()
            )
            return CODE
        case rules.Blocked(until):
            await send(update, context, _too_many(until, now))
            return CODE
        case rules.Rejected(until):
            await send(
                update,
                context,
                _(
                    "This code does not work. Check whether you typed it correctly. A code can "
                    "be used once and is valid for a limited time; the school can give you a "
                    "new one."
                )
                + "\n"
                + _("You can try again {when}.").format(when=wait_text(until, now)),
            )
            return CODE
        case rules.NeedBirthDate(invitation_id, roster_language):
            assert update.effective_user is not None
            context.user_state.pending_invitation = invitation_id
            context.user_state.suggested_language = suggest_language(
                update.effective_user.language_code, fallback=roster_language or "nl"
            )
            if welcome:
                prompt = _("Welcome to <b>Privacyloket</b>.") + "\n\n" + _birth_date_question()
            else:
                prompt = _("Thank you.") + " " + _birth_date_question()
            await send(update, context, prompt)
            return BIRTH_DATE
        case rules.StaffLinked(member):
            profile = await services.accounts.profile(user_id)
            assert profile is not None
            await publish_staff_commands(context, profile, chat_id)
            text, keyboard = menu_content(context, profile)
            greeting = _("Welcome, {name}. Your account is linked.").format(name=esc(member.name))
            await send(update, context, greeting + "\n\n" + text, keyboard)
            return END
    raise AssertionError(result)


def _birth_date_question() -> str:
    return _(
        "To check that the letter is yours, please type the date of birth of your child (or "
        "of one of your children), for example 14-02-2020."
    )


def _too_many(until: datetime, now: datetime) -> str:
    return _("Too many attempts. For your safety, please wait and try again {when}.").format(
        when=wait_text(until, now)
    )


async def birth_date_typed(update: Update, context: BotContext) -> object:
    assert update.message is not None and update.message.text is not None
    invitation_id = context.user_state.pending_invitation
    if invitation_id is None:
        await send(update, context, _code_prompt())
        return CODE
    user_id, chat_id = _ids(update)
    services = context.services
    suggested = context.user_state.suggested_language
    language = suggested if is_language(suggested) else current_language()
    result = await services.onboarding.confirm_birth_date(
        user_id, chat_id, invitation_id, update.message.text, language
    )
    now = services.clock.now()
    match result:
        case rules.NotADate():
            await send(
                update,
                context,
                _(
                    "I could not read that as a date. Please type it as day-month-year, for "
                    "example 14-02-2020."
                ),
            )
            return BIRTH_DATE
        case rules.Blocked(until):
            await send(update, context, _too_many(until, now))
            return BIRTH_DATE
        case rules.WrongDate(left, until):
            await send(
                update,
                context,
                _("That date does not match our records.")
                + " "
                + ngettext(
                    "You can try again {when}; you have {n} attempt left.",
                    "You can try again {when}; you have {n} attempts left.",
                    left,
                ).format(n=left, when=wait_text(until, now)),
            )
            return BIRTH_DATE
        case rules.CodeRevoked():
            _forget_pending(context)
            await send(
                update,
                context,
                _(
                    "The date did not match five times, so this code has been blocked for "
                    "your safety. Please ask the school for a new letter."
                ),
            )
            return END
        case rules.Rejected():
            _forget_pending(context)
            await send(
                update,
                context,
                _("This code can no longer be used. Please ask the school for a new one."),
            )
            return END
        case rules.GuardianLinked(first_link, _children):
            _forget_pending(context)
            if first_link:
                set_language(language)
                await send(
                    update,
                    context,
                    _("Thank you, your account is linked.") + "\n\n" + _language_question(),
                    language_keyboard(context, user_id, language),
                )
                return LANGUAGE
            await send(update, context, _("Thank you, the code has been added to your account."))
            await send_menu(update, context)
            return END
    raise AssertionError(result)


def _forget_pending(context: BotContext) -> None:
    context.user_state.pending_invitation = context.user_state.suggested_language = None


def _language_question() -> str:
    return (
        _("In which language shall I write to you?")
        + "\n"
        + _("You can change this at any time with /language.")
    )


def language_keyboard(context: BotContext, user_id: int, suggested: str) -> Keyboard:
    order: tuple[Language, ...] = LANGUAGES if suggested == "nl" else LANGUAGES[::-1]
    return [[context.button(user_id, LANGUAGE_NAMES[code], "lang", code)] for code in order]


async def language_chosen(update: Update, context: BotContext) -> object:
    """Also handles the language buttons of /language (outside this conversation)."""
    query = update.callback_query
    assert query is not None
    decoded = context.codec.decode(query.from_user.id, query.data or "")
    choice = decoded.args[0] if decoded and decoded.args else None
    if not is_language(choice):
        return END
    await context.services.accounts.set_language(query.from_user.id, choice)
    set_language(choice)
    with use_language(choice):
        profile = await context.services.accounts.profile(query.from_user.id)
        if profile is None:
            await show(update, context, _("Language: {name}.").format(name=LANGUAGE_NAMES[choice]))
            return END
        if profile.is_staff and query.message is not None:
            await publish_staff_commands(context, profile, query.message.chat.id)
        text, keyboard = menu_content(context, profile)
        await show(
            update,
            context,
            _("I will write to you in English.") + "\n\n" + text,
            keyboard,
        )
    return END


async def language_chosen_button(update: Update, context: BotContext) -> None:
    await language_chosen(update, context)


async def language_text_instead_of_button(update: Update, context: BotContext) -> object:
    user_id, _chat_id = _ids(update)
    await send(
        update,
        context,
        _("Please choose a language with one of the buttons."),
        language_keyboard(context, user_id, current_language()),
    )
    return LANGUAGE


async def text_expected(update: Update, context: BotContext) -> object:
    """A photo, sticker or other non-text where a code or date was asked."""
    await send(update, context, _("I can only read typed text here. Please type your answer."))
    return None


async def cancel(update: Update, context: BotContext) -> object:
    _forget_pending(context)
    await send(update, context, _("Stopped. You can start again at any time with /start."))
    return END


def build() -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    not_text = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    return ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            CODE: [MessageHandler(text, code_typed), MessageHandler(not_text, text_expected)],
            BIRTH_DATE: [
                MessageHandler(text, birth_date_typed),
                MessageHandler(not_text, text_expected),
            ],
            LANGUAGE: [
                CallbackQueryHandler(language_chosen, pattern=pattern("lang")),
                MessageHandler(text | not_text, language_text_instead_of_button),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        allow_reentry=True,
        name="onboarding",
        persistent=True,
    )
