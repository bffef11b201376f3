"""A pupil's screen in the consent list, and recording a signed paper form from it: who
signed, per purpose yes or no, review, confirm. The answer goes through
bot.domain.rounds.paper, which checks who may record it (a teacher of the child's group,
or the head teacher), counts it like any other answer and records "paper, recorded by"
the staff member.

The form's state travels in its buttons (one letter per consent purpose), and the confirm
button carries the key that records the form once: tapped again, it changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar

from telegram import Update

from bot.domain.consent_lists import ConsentLists, GroupTable, PupilRow
from bot.domain.model import RefusalReason, Refused
from bot.domain.rounds.paper import GuardianChoice
from bot.domain.texts import for_teachers_rounds as texts
from bot.schools.config import ConsentPurpose, SchoolConfig
from handlers.buttons import ForChild, GroupPage, PaperConfirm, PaperForm, Staff
from handlers.context import BotContext, Step
from handlers.messages import send, show
from handlers.staff.common import Rows, actor, staff_profile, user_id
from handlers.staff.name_pages import name_page, rows_of
from storage import people
from storage.people import Student

_YES, _NO, _OPEN = "y", "n", "u"


@dataclass
class PaperFormStep(Step):
    """A paper form on screen: typed text is answered with the form again (its buttons
    are what records it)."""

    tag: ClassVar[str] = "paper_form"

    child: int
    guardian: int
    choices: str

    async def receive(self, update: Update, context: BotContext) -> bool:
        await send(update, context, texts.paper_buttons_only())
        await _form(update, context, PaperForm(self.child, self.guardian, self.choices), True)
        return True


def _lists(context: BotContext) -> ConsentLists:
    s = context.services
    return ConsentLists(s.db, s.keys, s.clock, s.school_by_id)


async def _group_table(update: Update, context: BotContext, group_id: int) -> GroupTable | None:
    profile = await staff_profile(update, context)
    if profile is None:
        return None
    try:
        return await _lists(context).table(profile.telegram_user_id, profile.staff, group_id)
    except Refused:
        await send(update, context, texts.paper_not_theirs())
        return None


async def pupils(update: Update, context: BotContext, args: GroupPage) -> None:
    """The group's names as buttons: tap one for the pupil's screen."""
    table = await _group_table(update, context, args.group)
    if table is None:
        return
    user = user_id(update)
    shown = name_page(len(table.pupils), args.page)
    names = [
        context.button(user, texts.pupil_name(p.student), Staff.PUPIL(p.student.id))
        for p in table.pupils[shown.start : shown.end]
    ]
    rows: Rows = rows_of(names)
    paging = []
    if shown.has_previous:
        paging.append(
            context.button(user, texts.previous_page(), Staff.PUPILS(args.group, shown.number - 1))
        )
    if shown.has_next:
        paging.append(
            context.button(user, texts.next_page(), Staff.PUPILS(args.group, shown.number + 1))
        )
    if paging:
        rows.append(paging)
    rows.append([context.button(user, texts.back_to_list(), Staff.CONSENT_LIST(args.group, ""))])
    text = texts.pupils_text(table.group.name, len(table.pupils), shown.start + 1, shown.end)
    await show(update, context, text, rows)


async def _pupil(
    update: Update, context: BotContext, child: int
) -> tuple[PupilRow, SchoolConfig, list[GuardianChoice]] | None:
    """The pupil's row of their group's table and their guardians, if this staff member
    may record a form for them; otherwise a refusal (recorded by the domain)."""
    if await staff_profile(update, context) is None:
        return None
    services = context.services
    try:
        guardians = await services.paper_answers.guardians(actor(update), child)
    except Refused:
        await send(update, context, texts.paper_not_theirs())
        return None
    student = await people.student(services.db.reader, child)
    if student is None or student.group_id is None:
        await send(update, context, texts.paper_not_theirs())
        return None
    table = await _group_table(update, context, student.group_id)
    if table is None:
        return None
    row = next((p for p in table.pupils if p.student.id == child), None)
    if row is None:  # left the group between the two reads
        await send(update, context, texts.paper_not_theirs())
        return None
    return row, table.school, guardians


async def pupil(update: Update, context: BotContext, args: ForChild) -> None:
    """A pupil's screen: their consent per purpose now, their parents, Record a paper
    answer."""
    found = await _pupil(update, context, args.child)
    if found is None:
        return
    row, school, guardians = found
    user, student = user_id(update), row.student
    group = student.group_id or 0
    rows: Rows = [
        [context.button(user, texts.record_paper_button(), Staff.PAPER(student.id))],
        [context.button(user, texts.back_to_list(), Staff.CONSENT_LIST(group, ""))],
    ]
    await show(update, context, texts.pupil_text(student, school, row.states, guardians), rows)


async def who_signed(update: Update, context: BotContext, args: ForChild) -> None:
    found = await _pupil(update, context, args.child)
    if found is None:
        return
    row, _school, guardians = found
    if len(guardians) == 1:
        await _form(update, context, PaperForm(args.child, guardians[0].guardian_id))
        return
    user = user_id(update)
    rows: Rows = [
        [context.button(user, g.name, Staff.PAPER_FORM(args.child, g.guardian_id))]
        for g in guardians
    ]
    rows.append([context.button(user, texts.back_to_pupil(row.student), Staff.PUPIL(args.child))])
    await show(update, context, texts.who_signed_text(row.student), rows)


def _decode(school: SchoolConfig, choices: str | None) -> dict[str, bool] | None:
    """The answers a form's buttons carry (one letter per consent purpose of the config);
    None when they do not fit the config (forged, or the config changed)."""
    purposes = school.consent_purposes
    if choices is None:
        return {}
    if len(choices) != len(purposes) or not set(choices) <= {_YES, _NO, _OPEN}:
        return None
    return {p.key: c == _YES for p, c in zip(purposes, choices, strict=True) if c != _OPEN}


def _encode(school: SchoolConfig, chosen: dict[str, bool]) -> str:
    return "".join(
        _OPEN if p.key not in chosen else _YES if chosen[p.key] else _NO
        for p in school.consent_purposes
    )


@dataclass(frozen=True, slots=True)
class _Form:
    student: Student
    guardian: str
    school: SchoolConfig
    purposes: list[ConsentPurpose]
    """As on the printed form of the open round that asks this guardian, else every
    purpose that can be answered."""
    round_number: int | None
    chosen: dict[str, bool]


async def _form_parts(update: Update, context: BotContext, args: PaperForm) -> _Form | None:
    """What a form's screen needs, or None after a refusal (nothing changed)."""
    found = await _pupil(update, context, args.child)
    if found is None:
        return None
    row, school, guardians = found
    guardian = next((g for g in guardians if g.guardian_id == args.guardian), None)
    printed = await context.services.paper_answers.form_purposes(args.child, args.guardian)
    number, purposes = (
        (printed[0], list(printed[1]))
        if printed
        else (
            None,
            list(
                school.answerable_purposes(
                    context.services.clock.now().astimezone(school.tz).date()
                )
            ),
        )
    )
    chosen = _decode(school, args.choices)
    if guardian is None or chosen is None or not set(chosen) <= {p.key for p in purposes}:
        context.user_state.clear(PaperFormStep)
        await send(update, context, texts.paper_not_on_form())
        return None
    return _Form(row.student, guardian.name, school, purposes, number, chosen)


async def form(update: Update, context: BotContext, args: PaperForm) -> None:
    await _form(update, context, args)


async def _form(
    update: Update, context: BotContext, args: PaperForm, new_message: bool = False
) -> None:
    """Per purpose a Yes and a No as ticked on the form (tap again to clear), Review."""
    form = await _form_parts(update, context, args)
    if form is None:
        return
    student, school, chosen = form.student, form.school, form.chosen
    purposes = form.purposes
    user = user_id(update)
    rows: Rows = []
    for number, purpose in enumerate(purposes, 1):
        current = chosen.get(purpose.key)
        row = []
        for value, label, mark in ((True, texts.yes(), texts.YES), (False, texts.no(), texts.NO)):
            after = dict(chosen)
            if current is value:
                after.pop(purpose.key)
            else:
                after[purpose.key] = value
            shown = f"{number}. {mark} {label}" if current is value else f"{number}. {label}"
            press = Staff.PAPER_FORM(student.id, args.guardian, _encode(school, after))
            row.append(context.button(user, shown, press))
        rows.append(row)
    code = _encode(school, chosen)
    rows.append(
        [
            context.button(
                user, texts.review_button(), Staff.PAPER_REVIEW(student.id, args.guardian, code)
            )
        ]
    )
    rows.append([context.button(user, texts.cancel_button(), Staff.PUPIL(student.id))])
    context.user_state.start(PaperFormStep(student.id, args.guardian, code))
    text = texts.paper_form_text(student, form.guardian, purposes, chosen, form.round_number)
    await (send if new_message else show)(update, context, text, rows)


async def review(update: Update, context: BotContext, args: PaperForm) -> None:
    form = await _form_parts(update, context, args)
    if form is None:
        return
    student, chosen = form.student, form.chosen
    if not chosen:
        await send(update, context, texts.paper_nothing_ticked())
        await _form(update, context, args, True)
        return
    user, code = user_id(update), _encode(form.school, chosen)
    key = secrets.token_hex(6)
    rows: Rows = [
        [
            context.button(
                user,
                texts.confirm_button(),
                Staff.PAPER_CONFIRM(student.id, args.guardian, code, key),
            )
        ],
        [
            context.button(
                user, texts.change_button(), Staff.PAPER_FORM(student.id, args.guardian, code)
            ),
            context.button(user, texts.cancel_button(), Staff.PUPIL(student.id)),
        ],
    ]
    context.user_state.start(PaperFormStep(student.id, args.guardian, code))
    text = texts.paper_review_text(student, form.guardian, form.purposes, chosen)
    await show(update, context, text, rows)


async def confirm(update: Update, context: BotContext, args: PaperConfirm) -> None:
    form = await _form_parts(update, context, PaperForm(args.child, args.guardian, args.choices))
    if form is None:
        return
    student, chosen = form.student, form.chosen
    if not chosen:
        await send(update, context, texts.paper_nothing_ticked())
        return
    services = context.services
    try:
        answer = await services.paper_answers.record(
            actor(update),
            args.child,
            args.guardian,
            chosen,
            idempotency_key=f"{user_id(update)}-{args.key}",
        )
    except Refused as exc:
        context.user_state.clear(PaperFormStep)
        if exc.reason == RefusalReason.NOT_ALLOWED:
            await send(update, context, texts.paper_not_theirs())
        else:
            await send(update, context, texts.paper_not_on_form())
        return
    context.user_state.clear(PaperFormStep)
    if answer.again:
        await send(update, context, texts.paper_already_recorded())
        return
    found = await _pupil(update, context, args.child)
    states = found[0].states if found is not None else {}
    user = user_id(update)
    rows: Rows = [
        [context.button(user, texts.back_to_pupil(student), Staff.PUPIL(student.id))],
        [
            context.button(
                user, texts.back_to_list(), Staff.CONSENT_LIST(student.group_id or 0, "")
            )
        ],
    ]
    text = texts.paper_recorded_text(student, form.guardian, form.purposes, chosen, states)
    await show(update, context, text, rows)
