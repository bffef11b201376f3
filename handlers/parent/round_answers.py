"""A consent round's question under a guardian's message: Yes / No per purpose, Keep as it
is, Send. The buttons come from the outbox (they work on old messages); the domain
(bot.domain.rounds) checks every tap again and records the answers."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.domain.rounds.answering import RoundAnswer
from bot.domain.rounds.model import Question, Refusal, RoundRefused
from bot.domain.texts.for_parents_rounds import (
    answered_text,
    question_keyboard,
    question_text,
    refusal_text,
)
from bot.outbox import Keyboard
from handlers.buttons import ConsentChoices, ForRequest, RoundSelection, for_notice
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.parent import consent
from handlers.parent.common import actor, parent


def markup(context: BotContext, user: int, keyboard: Keyboard) -> list[list[InlineKeyboardButton]]:
    """A domain keyboard as Telegram buttons, each signed for ``user``."""
    return [
        [context.button(user, b.label, for_notice(b.action)(*b.args)) for b in row]
        for row in keyboard.rows
    ]


async def _refused(update: Update, context: BotContext, refused: RoundRefused) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    if refused.reason is Refusal.ROUND_CLOSED and refused.student_id is not None:
        # Answers after closing still count: through the child's consent screen.
        await consent.form(update, context, ConsentChoices(refused.student_id))
        return
    child = next((c for c in profile.children if c.id == refused.student_id), None)
    school_id = refused.round.school_id if refused.round else None
    if school_id is None and profile.school_ids:
        school_id = min(profile.school_ids)
    school = context.services.school_by_id[school_id] if school_id is not None else None
    if school is None:
        return
    await send(update, context, refusal_text(refused, school, child))


async def _question(update: Update, context: BotContext, request: int) -> Question | None:
    profile = await parent(update, context)
    if profile is None:
        return None
    try:
        return await context.services.round_answers.question(actor(profile), request)
    except RoundRefused as exc:
        await _refused(update, context, exc)
        return None


async def question(update: Update, context: BotContext, args: ForRequest) -> None:
    """The question again, as a new message (the one button of a plain notice)."""
    found = await _question(update, context, args.request)
    if found is not None:
        keyboard = markup(context, actor_id(update), question_keyboard(found))
        await send(update, context, question_text(found), keyboard)


async def choose(update: Update, context: BotContext, args: RoundSelection) -> None:
    """A Yes or No tapped: the question again with that choice marked (nothing saved)."""
    found = await _question(update, context, args.request)
    if found is None:
        return
    chosen = found.selection(args.selection)
    keyboard = question_keyboard(found, chosen if chosen is not None else {})
    await show(update, context, question_text(found), markup(context, actor_id(update), keyboard))


async def send_answers(update: Update, context: BotContext, args: RoundSelection) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    try:
        done = await context.services.round_answers.answer(
            actor(profile), args.request, args.selection
        )
    except RoundRefused as exc:
        await _refused(update, context, exc)
        return
    await _answered(update, context, done)


async def keep(update: Update, context: BotContext, args: ForRequest) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    try:
        done = await context.services.round_answers.keep(actor(profile), args.request)
    except RoundRefused as exc:
        await _refused(update, context, exc)
        return
    await _answered(update, context, done)


async def _answered(update: Update, context: BotContext, done: RoundAnswer) -> None:
    """What was saved and what applies now, in place of the question."""
    q = done.question
    text = answered_text(
        q.student, q.school, q.purposes, done.answers, done.states, done.case_number
    )
    await show(update, context, text)


def actor_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id
