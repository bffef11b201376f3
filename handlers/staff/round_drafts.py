"""Preparing a consent round: the head teacher (or the privacy officer) picks the schools,
the purposes, who is asked, the school's message and the closing date, sees the preview
with the first question exactly as a parent will see it, and taps Start. The draft lives
in the member's step until then: nothing is stored or sent before Start, and Cancel
leaves nothing behind. The rules (what may start, who is asked) are
bot.domain.rounds.starting and bot.domain.rounds.validation."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar

from telegram import Update

from bot.domain.free_text import clean_text
from bot.domain.rounds.model import (
    MAX_MESSAGE,
    Audience,
    DraftProblem,
    Problem,
    RoundDraft,
    RoundNotStarted,
)
from bot.domain.rounds.starting import RoundPreview
from bot.domain.rounds.validation import draft_problems
from bot.domain.texts.for_parents_rounds import question_keyboard, question_text
from bot.domain.texts.for_staff_round_drafts import (
    date_prompt,
    draft_dropped,
    draft_gone,
    draft_text,
    keyboard_lines,
    message_prompt,
    refused_date,
    refused_message,
    sample_note,
    start_question,
    started_text,
    unreadable_date,
)
from bot.domain.texts.for_staff_rounds import preview_text, problem_line
from bot.i18n import Language, _, current_language, is_language
from bot.schools.config import SchoolConfig
from handlers.buttons import DraftKey, LanguageCode, NoArgs, Position, Staff
from handlers.context import BotContext, Step
from handlers.messages import send, show
from handlers.staff.common import Rows, actor, user_id
from handlers.staff.rounds import back_to_rounds, round_schools
from handlers.texts import too_long

ON, OFF = "✅", "▫️"
_DATE = re.compile(r"\s*([0-9]{1,2})[-./ ]([0-9]{1,2})[-./ ]([0-9]{4})\s*")
_ISO_DATE = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*")
_MESSAGE_PROBLEMS = (Problem.MESSAGE_TOO_LONG, Problem.MESSAGE_INVALID)
_DATE_PROBLEMS = (
    Problem.CLOSING_IN_THE_PAST,
    Problem.CLOSING_TOO_FAR,
    Problem.CLOSING_AFTER_PURPOSE_ENDS,
)


def parse_day(text: str) -> date | None:
    """A typed date: 28-11-2026 (also with / . or spaces, and 2026-11-28); None when it
    is not one."""
    found = _DATE.fullmatch(text)
    if found is not None:
        day, month, year = (int(g) for g in found.groups())
    elif (found := _ISO_DATE.fullmatch(text)) is not None:
        year, month, day = (int(g) for g in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass
class RoundDraftStep(Step):
    """The round being prepared: the draft's choices, what is being typed ("nl" or "en"
    for the school's message, "date" for the closing date, "" for nothing) and the key
    that makes Start start it once."""

    tag: ClassVar[str] = "staff.round_draft"
    schools: list[int]
    purposes: list[str]
    audience: str
    closes_on: str
    message_nl: str | None = None
    message_en: str | None = None
    typing: str = ""
    key: str = field(default_factory=lambda: secrets.token_hex(8))

    @classmethod
    def of(cls, draft: RoundDraft) -> RoundDraftStep:
        return cls(
            schools=list(draft.school_ids),
            purposes=list(draft.purposes),
            audience=draft.audience.value,
            closes_on=draft.closes_on.isoformat(),
            message_nl=draft.message_nl,
            message_en=draft.message_en,
        )

    def draft(self) -> RoundDraft:
        return RoundDraft(
            school_ids=tuple(self.schools),
            purposes=tuple(self.purposes),
            audience=Audience(self.audience),
            closes_on=date.fromisoformat(self.closes_on),
            message_nl=self.message_nl,
            message_en=self.message_en,
        )

    def take(self, draft: RoundDraft) -> None:
        self.schools, self.purposes = list(draft.school_ids), list(draft.purposes)
        self.audience, self.closes_on = draft.audience.value, draft.closes_on.isoformat()
        self.message_nl, self.message_en = draft.message_nl, draft.message_en

    async def receive(self, update: Update, context: BotContext) -> bool:
        message = update.effective_message
        if message is None or self.typing not in ("nl", "en", "date"):
            return False
        if message.text is not None and message.text.startswith("/"):
            return False  # an unknown command: the general hint, and the step keeps waiting
        if message.text is None:
            await send(update, context, _("Please type your answer as text."))
            return True
        schools = await round_schools(update, context)
        if schools is None:
            context.user_state.clear(RoundDraftStep)
            return True
        text = clean_text(message.text)
        if self.typing == "date":
            await self._take_date(update, context, schools, text)
        else:
            await self._take_message(update, context, schools, text)
        return True

    async def _take_date(
        self, update: Update, context: BotContext, schools: dict[int, SchoolConfig], text: str
    ) -> None:
        today = _today(context, schools, self)
        day = parse_day(text)
        if day is None:
            await send(update, context, unreadable_date(today))
            return
        candidate = replace(self.draft(), closes_on=day)
        problems = _problems(candidate, schools, context, _DATE_PROBLEMS)
        if problems:
            line = _alike_line(problems[0], schools)
            await send(update, context, refused_date(line, self.draft().closes_on))
            return
        self.take(candidate)
        await self._done_typing(update, context)

    async def _take_message(
        self, update: Update, context: BotContext, schools: dict[int, SchoolConfig], text: str
    ) -> None:
        if len(text) > MAX_MESSAGE:
            await send(update, context, too_long(len(text), MAX_MESSAGE))
            return
        draft = self.draft()
        candidate = (
            replace(draft, message_nl=text)
            if self.typing == "nl"
            else replace(draft, message_en=text)
        )
        problems = _problems(candidate, schools, context, _MESSAGE_PROBLEMS)
        if problems:
            await send(update, context, refused_message(_alike_line(problems[0], schools)))
            return
        self.take(candidate)
        await self._done_typing(update, context)

    async def _done_typing(self, update: Update, context: BotContext) -> None:
        self.typing = ""
        context.user_state.start(self, awaiting=False)
        await draft_screen(update, context, self, new_message=True)

    async def cancel(self, update: Update, context: BotContext) -> None:
        await send(update, context, draft_dropped())


def _today(
    context: BotContext, schools: dict[int, SchoolConfig], step: RoundDraftStep | None = None
) -> date:
    chosen = [schools[i] for i in (step.schools if step else []) if i in schools]
    school = chosen[0] if chosen else next(iter(schools.values()))
    return context.services.clock.now().astimezone(school.tz).date()


def _problems(
    draft: RoundDraft,
    schools: dict[int, SchoolConfig],
    context: BotContext,
    kinds: tuple[Problem, ...],
) -> list[DraftProblem]:
    """The draft's problems of these kinds at its schools (the domain's own check)."""
    found: list[DraftProblem] = []
    for school_id in draft.school_ids:
        school = schools.get(school_id)
        if school is None:
            continue
        today = context.services.clock.now().astimezone(school.tz).date()
        found += [
            p for p in draft_problems(draft, school_id, school, today, []) if p.problem in kinds
        ]
    return found


def _alike_line(problem: DraftProblem, schools: dict[int, SchoolConfig]) -> str:
    """A problem that is the same at every school of the draft (the message, the date),
    without the school's name."""
    school_id = problem.school_id
    only = {school_id: schools[school_id]} if school_id in schools else schools
    return problem_line(problem, only)


def _first_school(step: RoundDraftStep, schools: dict[int, SchoolConfig]) -> SchoolConfig:
    chosen = [schools[i] for i in step.schools if i in schools]
    return chosen[0] if chosen else next(iter(schools.values()))


def _purpose_rows(
    context: BotContext, user: int, step: RoundDraftStep, school: SchoolConfig, today: date
) -> Rows:
    language = current_language()
    rows: Rows = []
    for position, purpose in enumerate(school.consent_purposes):
        if purpose.ended(today) and purpose.key not in step.purposes:
            continue
        mark = ON if purpose.key in step.purposes else OFF
        rows.append(
            [
                context.button(
                    user,
                    f"{mark} {purpose.label.get(language)}",
                    Staff.DRAFT_PURPOSE(position),
                )
            ]
        )
    return rows


def _draft_rows(
    context: BotContext, user: int, step: RoundDraftStep, schools: dict[int, SchoolConfig]
) -> Rows:
    rows: Rows = []
    if len(schools) > 1:
        for position, (school_id, school) in enumerate(schools.items()):
            mark = ON if school_id in step.schools else OFF
            rows.append(
                [context.button(user, f"{mark} {school.name}", Staff.DRAFT_SCHOOL(position))]
            )
    school = _first_school(step, schools)
    rows += _purpose_rows(context, user, step, school, _today(context, schools, step))
    audience = (
        _("Ask only those without an answer")
        if step.audience == Audience.EVERYONE
        else _("Ask every parent")
    )
    rows.append([context.button(user, audience, Staff.DRAFT_AUDIENCE())])
    message_row = [
        context.button(user, _("Message in Dutch"), Staff.DRAFT_MESSAGE("nl")),
        context.button(user, _("Message in English"), Staff.DRAFT_MESSAGE("en")),
    ]
    rows.append(message_row)
    if step.draft().message() is not None:
        rows.append([context.button(user, _("No message"), Staff.DRAFT_NO_MESSAGE())])
    rows.append([context.button(user, _("Closing date"), Staff.DRAFT_DATE())])
    rows.append([context.button(user, _("Preview"), Staff.DRAFT_PREVIEW())])
    rows.append([context.button(user, _("Cancel"), Staff.DRAFT_DROP())])
    return rows


async def draft_screen(
    update: Update,
    context: BotContext,
    step: RoundDraftStep,
    *,
    problems: list[str] | None = None,
    new_message: bool = False,
) -> None:
    schools = await round_schools(update, context)
    if schools is None:
        context.user_state.clear(RoundDraftStep)
        return
    today = _today(context, schools, step)
    text = draft_text(step.draft(), schools, today, problems or ())
    rows = _draft_rows(context, user_id(update), step, schools)
    await (send if new_message else show)(update, context, text, rows)


async def _held(update: Update, context: BotContext) -> RoundDraftStep | None:
    """The draft being prepared; None after saying there is none (started or dropped)."""
    step = context.user_state.held(RoundDraftStep)
    if step is None:
        await _gone(update, context)
        return None
    step.typing = ""
    return step


# --- the buttons ------------------------------------------------------------------------


async def new_round(update: Update, context: BotContext, _args: NoArgs) -> None:
    """A new draft: every school this member runs rounds for, every photo purpose, every
    parent, closing in 14 days."""
    if await round_schools(update, context) is None:
        return
    draft = await context.services.rounds.new_draft(actor(update))
    step = RoundDraftStep.of(draft)
    context.user_state.start(step, awaiting=False)
    await draft_screen(update, context, step)


async def show_draft(update: Update, context: BotContext, _args: NoArgs) -> None:
    step = await _held(update, context)
    if step is not None:
        context.user_state.start(step, awaiting=False)
        await draft_screen(update, context, step)


async def toggle_school(update: Update, context: BotContext, args: Position) -> None:
    step = await _held(update, context)
    schools = await round_schools(update, context) if step is not None else None
    if step is None or schools is None:
        return
    ids = list(schools)
    if 0 <= args.position < len(ids):
        chosen = ids[args.position]
        if chosen in step.schools:
            step.schools.remove(chosen)
        else:
            step.schools = [i for i in ids if i in step.schools or i == chosen]
    await draft_screen(update, context, step)


async def toggle_purpose(update: Update, context: BotContext, args: Position) -> None:
    step = await _held(update, context)
    schools = await round_schools(update, context) if step is not None else None
    if step is None or schools is None:
        return
    purposes = _first_school(step, schools).consent_purposes
    if 0 <= args.position < len(purposes):
        key = purposes[args.position].key
        if key in step.purposes:
            step.purposes.remove(key)
        else:
            order = [p.key for p in purposes]
            step.purposes = [k for k in order if k in step.purposes or k == key]
    await draft_screen(update, context, step)


async def toggle_audience(update: Update, context: BotContext, _args: NoArgs) -> None:
    step = await _held(update, context)
    if step is None:
        return
    step.audience = (
        Audience.UNANSWERED.value if step.audience == Audience.EVERYONE else Audience.EVERYONE
    )
    await draft_screen(update, context, step)


async def ask_message(update: Update, context: BotContext, args: LanguageCode) -> None:
    step = await _held(update, context)
    if step is None:
        return
    language: Language = args.code if is_language(args.code) else "nl"
    step.typing = language
    context.user_state.start(step)
    await show(
        update,
        context,
        message_prompt(language),
        [[context.button(user_id(update), _("« Back to the draft"), Staff.DRAFT_SHOW())]],
    )


async def no_message(update: Update, context: BotContext, _args: NoArgs) -> None:
    step = await _held(update, context)
    if step is None:
        return
    step.message_nl = step.message_en = None
    await draft_screen(update, context, step)


async def ask_date(update: Update, context: BotContext, _args: NoArgs) -> None:
    step = await _held(update, context)
    schools = await round_schools(update, context) if step is not None else None
    if step is None or schools is None:
        return
    step.typing = "date"
    context.user_state.start(step)
    await show(
        update,
        context,
        date_prompt(_today(context, schools, step)),
        [[context.button(user_id(update), _("« Back to the draft"), Staff.DRAFT_SHOW())]],
    )


async def preview(update: Update, context: BotContext, _args: NoArgs) -> None:
    """What Start would do, and the first question as a parent will see it; or, when the
    draft cannot start, the draft again with every reason."""
    step = await _held(update, context)
    schools = await round_schools(update, context) if step is not None else None
    if step is None or schools is None:
        return
    try:
        previews = await context.services.rounds.preview(actor(update), step.draft())
    except RoundNotStarted as refused:
        lines = [problem_line(p, schools) for p in refused.problems]
        await draft_screen(update, context, step, problems=lines)
        return
    await _show_preview(update, context, step, schools, previews)


async def _show_preview(
    update: Update,
    context: BotContext,
    step: RoundDraftStep,
    schools: dict[int, SchoolConfig],
    previews: list[RoundPreview],
) -> None:
    user = user_id(update)
    counts = [
        (
            schools[p.school_id],
            p.number,
            p.children,
            p.questions,
            p.on_paper,
            p.guardians_not_linked,
            p.guardians_blocked,
        )
        for p in previews
    ]
    await show(update, context, preview_text(counts))
    sample = next((p.sample for p in previews if p.sample is not None), None)
    buttons: list[str] = []
    if sample is not None:
        # In the reader's language; each parent gets it in their own (sample_note).
        await send(update, context, question_text(sample))
        buttons = keyboard_lines(question_keyboard(sample))
    numbers = [(schools[p.school_id], p.number) for p in previews]
    await send(
        update,
        context,
        start_question(numbers, buttons) + "\n\n" + sample_note(),
        [
            [context.button(user, _("Start"), Staff.DRAFT_START(step.key))],
            [context.button(user, _("« Change the draft"), Staff.DRAFT_SHOW())],
            [context.button(user, _("Cancel"), Staff.DRAFT_DROP())],
        ],
    )


async def start(update: Update, context: BotContext, args: DraftKey) -> None:
    step = context.user_state.held(RoundDraftStep)
    if step is None or args.key != step.key:
        await _gone(update, context)
        return
    schools = await round_schools(update, context)
    if schools is None:
        return
    try:
        started = await context.services.rounds.start(
            actor(update), step.draft(), idempotency_key=f"{user_id(update)}-{step.key}"
        )
    except RoundNotStarted as refused:
        step.key = secrets.token_hex(8)
        lines = [problem_line(p, schools) for p in refused.problems]
        await draft_screen(update, context, step, problems=lines, new_message=True)
        return
    context.user_state.clear(RoundDraftStep)
    user = user_id(update)
    rows: Rows = [
        [
            context.button(
                user, _("Open consent round {number}").format(number=r.number), Staff.ROUND(r.id)
            )
        ]
        for r in started
    ]
    await show(
        update, context, started_text(started, schools), [*rows, back_to_rounds(context, user)]
    )


async def _gone(update: Update, context: BotContext) -> None:
    await context.services.staff_views.refusal(actor(update), "round_draft", None, "no_draft")
    await send(update, context, draft_gone(), [back_to_rounds(context, user_id(update))])


async def drop(update: Update, context: BotContext, _args: NoArgs) -> None:
    context.user_state.clear(RoundDraftStep)
    await show(update, context, draft_dropped(), [back_to_rounds(context, user_id(update))])
