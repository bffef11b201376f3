"""Linking a Telegram account: /start with the code, a child's date of birth, a language.

Each answer the sign-up waits for is a step (handlers.context.Step) in the person's
``UserData.sign_up``: the code, the date of birth (with the invitation it confirms) or the
language. It outlasts other commands and buttons; /start begins again, /cancel stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from telegram import Update
from telegram.ext import filters

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
from handlers.buttons import Everyone, LanguageCode
from handlers.commands import publish_staff_commands
from handlers.context import BotContext, Step
from handlers.menu import menu_content, send_menu
from handlers.messages import Keyboard, send, show
from handlers.render import esc
from handlers.texts import wait_text


class SignUp(Step):
    """A step of linking this account: it takes every message that is not a command."""

    async def receive(self, update: Update, context: BotContext) -> bool:
        message = update.effective_message
        if (
            message is None
            or filters.COMMAND.check_update(update)
            or filters.StatusUpdate.ALL.check_update(update)
        ):
            return False
        if message.text is None:
            await self.not_text(update, context)
        else:
            await self.typed(update, context, message.text)
        return True

    async def typed(self, update: Update, context: BotContext, text: str) -> None:
        raise NotImplementedError

    async def not_text(self, update: Update, context: BotContext) -> None:
        """A photo, sticker or other non-text where a code or date was asked."""
        await send(update, context, _("I can only read typed text here. Please type your answer."))

    async def cancel(self, update: Update, context: BotContext) -> None:
        await send(update, context, _("Stopped. You can start again at any time with /start."))


@dataclass
class AwaitCode(SignUp):
    """The code from the school's letter."""

    tag: ClassVar[str] = "sign_up.code"

    async def typed(self, update: Update, context: BotContext, text: str) -> None:
        await _redeem(update, context, text)


@dataclass
class AwaitBirthDate(SignUp):
    """A child's date of birth, which confirms the invitation whose code was typed."""

    tag: ClassVar[str] = "sign_up.birth_date"
    invitation: int
    language: str
    """The language suggested for the account (Telegram's, else the roster's)."""

    async def typed(self, update: Update, context: BotContext, text: str) -> None:
        await _confirm_birth_date(update, context, self, text)


@dataclass
class ChooseLanguage(SignUp):
    """The language of a newly linked account, chosen with a button."""

    tag: ClassVar[str] = "sign_up.language"

    async def typed(self, update: Update, context: BotContext, text: str) -> None:
        await self.not_text(update, context)

    async def not_text(self, update: Update, context: BotContext) -> None:
        user_id, _chat_id = _ids(update)
        await send(
            update,
            context,
            _("Please choose a language with one of the buttons."),
            language_keyboard(context, user_id, current_language()),
        )


def _wait_for(context: BotContext, step: SignUp | None) -> None:
    """The sign-up's next step, or None when it is over."""
    context.user_state.sign_up = step


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


async def start(update: Update, context: BotContext) -> None:
    user_id, _chat_id = _ids(update)
    typed = " ".join(context.args or [])
    if typed:
        await _redeem(update, context, typed, welcome=True)
        return
    profile = await context.services.accounts.profile(user_id)
    if profile is not None:
        if profile.is_staff:
            await publish_staff_commands(context, profile, _chat_id)
        await send_menu(update, context)
        _wait_for(context, None)
        return
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
    _wait_for(context, AwaitCode())


async def _redeem(
    update: Update, context: BotContext, typed: str, *, welcome: bool = False
) -> None:
    user_id, chat_id = _ids(update)
    services = context.services
    result = await services.onboarding.redeem_code(user_id, chat_id, typed, current_language())
    now = services.clock.now()
    match result:
        case rules.NotACode():
            await send(
                update, context, _("That is not a code I recognise.") + " " + _code_prompt()
            )
            _wait_for(context, AwaitCode())
        case rules.Blocked(until):
            await send(update, context, _too_many(until, now))
            _wait_for(context, AwaitCode())
        case rules.AlreadyLinked():
            await send(update, context, _("You are already linked with this code."))
            _wait_for(context, None)
            await send_menu(update, context)
        case rules.CodeBlocked():
            await send(update, context, _code_blocked())
            _wait_for(context, None)
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
            _wait_for(context, AwaitCode())
        case rules.NeedBirthDate(invitation_id, roster_language):
            assert update.effective_user is not None
            suggested = suggest_language(
                update.effective_user.language_code, fallback=roster_language or "nl"
            )
            if welcome:
                prompt = _("Welcome to <b>Privacyloket</b>.") + "\n\n" + _birth_date_question()
            else:
                prompt = _("Thank you.") + " " + _birth_date_question()
            await send(update, context, prompt)
            _wait_for(context, AwaitBirthDate(invitation_id, suggested))
        case rules.StaffLinked(member):
            profile = await services.accounts.profile(user_id)
            assert profile is not None
            await publish_staff_commands(context, profile, chat_id)
            text, keyboard = menu_content(context, profile)
            greeting = _("Welcome, {name}. Your account is linked.").format(name=esc(member.name))
            await send(update, context, greeting + "\n\n" + text, keyboard)
            _wait_for(context, None)
        case _:
            raise AssertionError(result)


def _birth_date_question() -> str:
    return _(
        "To check that the letter is yours, please type the date of birth of your child (or "
        "of one of your children), for example 14-02-2020."
    )


def _code_blocked() -> str:
    return _(
        "The date did not match five times, so this code has been blocked for your safety. "
        "It will not work again: please ask the school for a new letter."
    )


def _too_many(until: datetime, now: datetime) -> str:
    return _("Too many attempts. For your safety, please wait and try again {when}.").format(
        when=wait_text(until, now)
    )


async def _confirm_birth_date(
    update: Update, context: BotContext, step: AwaitBirthDate, typed: str
) -> None:
    user_id, chat_id = _ids(update)
    services = context.services
    language = step.language if is_language(step.language) else current_language()
    result = await services.onboarding.confirm_birth_date(
        user_id, chat_id, step.invitation, typed, language
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
        case rules.Blocked(until):
            await send(update, context, _too_many(until, now))
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
        case rules.CodeRevoked():
            await send(update, context, _code_blocked())
            _wait_for(context, None)
        case rules.Rejected():
            await send(
                update,
                context,
                _("This code can no longer be used. Please ask the school for a new one."),
            )
            _wait_for(context, None)
        case rules.GuardianLinked(first_link, _children):
            if first_link:
                set_language(language)
                await send(
                    update,
                    context,
                    _("Thank you, your account is linked.") + "\n\n" + _language_question(),
                    language_keyboard(context, user_id, language),
                )
                _wait_for(context, ChooseLanguage())
                return
            await send(update, context, _("Thank you, the code has been added to your account."))
            await send_menu(update, context)
            _wait_for(context, None)
        case _:
            raise AssertionError(result)


def _language_question() -> str:
    return (
        _("In which language shall I write to you?")
        + "\n"
        + _("You can change this at any time with /language.")
    )


def language_keyboard(context: BotContext, user_id: int, suggested: str) -> Keyboard:
    order: tuple[Language, ...] = LANGUAGES if suggested == "nl" else LANGUAGES[::-1]
    return [
        [context.button(user_id, LANGUAGE_NAMES[code], Everyone.LANGUAGE(code))] for code in order
    ]


async def language_chosen(update: Update, context: BotContext, args: LanguageCode) -> None:
    """A language button: the sign-up's last step, or the choice of /language."""
    query = update.callback_query
    assert query is not None
    if isinstance(context.user_state.sign_up, ChooseLanguage):
        _wait_for(context, None)
    choice = args.code
    if not is_language(choice):
        return
    await context.services.accounts.set_language(query.from_user.id, choice)
    set_language(choice)
    with use_language(choice):
        profile = await context.services.accounts.profile(query.from_user.id)
        if profile is None:
            await show(update, context, _("Language: {name}.").format(name=LANGUAGE_NAMES[choice]))
            return
        if profile.is_staff and query.message is not None:
            await publish_staff_commands(context, profile, query.message.chat.id)
        text, keyboard = menu_content(context, profile)
        await show(
            update,
            context,
            _("I will write to you in English.") + "\n\n" + text,
            keyboard,
        )
