"""Choosing a child, and the correction and deletion requests with their free text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.erasure import at_school
from bot.domain.free_text import MAX_TEXT, TextProblem, clean_text, text_problem
from bot.domain.model import Kind
from bot.domain.texts.for_parents import ground_text
from bot.domain.texts.labels import about_line, kind_label
from bot.i18n import _, current_language, format_number
from handlers.buttons import ChildCategory, DraftKey, Everyone, ForChild, Marked, NoArgs, Parent
from handlers.context import BotContext, Step
from handlers.menu import send_menu
from handlers.messages import send, show
from handlers.parent.common import (
    actor,
    already_sent,
    case_key,
    child_of,
    for_child,
    new_key,
    parent,
    submitted_text,
)
from handlers.render import esc
from handlers.texts import too_long
from storage.people import Student

# --- correction -------------------------------------------------------------------------


@for_child
async def correction_categories(
    update: Update, context: BotContext, args: ForChild, profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    language = current_language()
    user = profile.telegram_user_id
    rows: list[list[InlineKeyboardButton]] = [
        [context.button(user, c.label.get(language), Parent.CORRECT_CATEGORY(child.id, c.key))]
        for c in school.categories
    ]
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(
        update,
        context,
        _("<b>Correct data about {child}</b>").format(child=esc(child.first_name))
        + "\n\n"
        + _(
            "Facts, such as an address or a date, are corrected when they are wrong. A "
            "professional judgement, such as a teacher's observation, is not changed, but you "
            "can have your own view added to it: describe that in your request."
        )
        + "\n\n"
        + _("Which data is it about?"),
        rows,
    )


@for_child
async def correction_text(
    update: Update, context: BotContext, args: ChildCategory, _profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    category = school.category(args.category)
    if category is None:
        await correction_categories(update, context, ForChild(child.id))
        return
    draft = RequestDraft(Kind.RECTIFICATION.value, child.id, {"category": category.key})
    await ask_text(update, context, draft, child)


# --- deletion ---------------------------------------------------------------------------


def _selected(mask: int, count: int) -> list[int]:
    return [i for i in range(count) if mask >> i & 1]


@for_child
async def deletion_categories(
    update: Update, context: BotContext, args: Marked, profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    mask = args.mask
    categories = school.categories
    mask &= (1 << len(categories)) - 1
    language = current_language()
    user = profile.telegram_user_id
    rows: list[list[InlineKeyboardButton]] = []
    for index, category in enumerate(categories):
        mark = "☑" if mask >> index & 1 else "☐"
        label = f"{mark} {category.label.get(language)}"
        if category.voluntary:
            label += " " + _("(voluntary)")
        rows.append([context.button(user, label, Parent.DELETE(child.id, mask ^ (1 << index)))])
    if mask:
        rows.append([context.button(user, _("Next"), Parent.DELETE_CHOSEN(child.id, mask))])
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    voluntary = [c.label.get(language) for c in categories if c.voluntary]
    lines = [
        _("<b>Delete data about {child}</b>").format(child=esc(child.first_name)),
        "",
        " ".join(
            [_("The school deletes data that it no longer needs.")]
            + (
                [
                    _(
                        "While {child} is at the school, the school still needs most of it "
                        "for {child}'s education."
                    ).format(child=esc(child.first_name))
                ]
                if at_school(child)
                else []
            )
        ),
    ]
    if school.retention_grounds:
        lines += [
            "",
            _("After a child has left, the school keeps some data for a set time:"),
            *[f"• {ground_text(school, g.key)}" for g in school.retention_grounds],
        ]
    if voluntary:
        lines += [
            "",
            _("Data you gave voluntarily is always deleted when you ask: {categories}.").format(
                categories=esc(", ".join(voluntary))
            ),
        ]
    lines += ["", _("Tap the data you would like deleted, then Next.")]
    await show(update, context, "\n".join(lines), rows)


@for_child
async def deletion_reason(
    update: Update, context: BotContext, args: Marked, _profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    chosen = _selected(args.mask, len(school.categories))
    keys = [school.categories[i].key for i in chosen]
    if not keys:
        await deletion_categories(update, context, Marked(child.id, 0))
        return
    draft = RequestDraft(Kind.ERASURE.value, child.id, {"categories": keys})
    await ask_text(update, context, draft, child)


# --- the free text and the summary --------------------------------------------------------


@dataclass
class RequestDraft(Step):
    """A request the parent is writing: its kind, the child and what it is about, then the
    text they type; sent when they confirm the summary. The key makes the Send button
    send it once (a double tap, or again after a restart)."""

    tag: ClassVar[str] = "parent.request"
    kind: str
    student: int
    details: dict[str, Any]
    key: str = field(default_factory=new_key)
    text: str | None = None

    def question(self) -> str:
        if self.kind == Kind.RECTIFICATION:
            return _("Please type what is wrong and what it should be.")
        if self.kind == Kind.RESTRICTION:
            return _("Please type why the school should restrict the use of this data.")
        if self.kind == Kind.OBJECTION:
            return _("Please type why you object to this use, given your situation.")
        return _("Please type why you would like this deleted.")

    def about(self, context: BotContext, child: Student) -> str:
        school = context.services.school_by_id[child.school_id]
        return about_line(school, self.details) or ""

    async def receive(self, update: Update, context: BotContext) -> bool:
        """Text, a photo or anything else sent while the question is open."""
        message = update.effective_message
        if message is None:
            context.user_state.clear(RequestDraft)
            return False
        if message.text is None:
            await send(update, context, _("Please type your answer as text."))
            return True
        if message.text.startswith("/"):
            # Our own commands were taken before this; this one we do not know.
            await send(
                update,
                context,
                _("That looks like a command I do not know. I am still waiting for your text.")
                + " "
                + self.question(),
            )
            return True
        text = clean_text(message.text)
        problem = text_problem(text)
        if problem is TextProblem.CONTROL:
            await send(
                update,
                context,
                _(
                    "Your text contains characters that cannot be stored (control characters, "
                    "for example from copying and pasting). Please type it again without them. "
                    "Nothing has been sent yet."
                ),
            )
            return True
        if problem is TextProblem.EMPTY:
            await send(update, context, self.question())
            return True
        if problem is TextProblem.TOO_LONG:
            await send(update, context, too_long(len(text), MAX_TEXT))
            return True
        self.text = text
        context.user_state.awaiting = False
        await _summary(update, context, self)
        return True

    async def cancel(self, update: Update, context: BotContext) -> None:
        await send(update, context, _("Cancelled. Nothing was sent."))


async def ask_text(
    update: Update, context: BotContext, draft: RequestDraft, child: Student
) -> None:
    """Wait for the request's text, and ask for it."""
    assert update.effective_user is not None
    context.user_state.start(draft)
    heading = _("<b>{kind} for {child}</b>").format(
        kind=kind_label(draft.kind).capitalize(), child=esc(child.first_name)
    )
    lines = [
        heading,
        draft.about(context, child),
        "",
        draft.question(),
        _("At most {limit} characters.").format(limit=format_number(MAX_TEXT)),
    ]
    await show(
        update,
        context,
        "\n".join(lines),
        [[context.button(update.effective_user.id, _("Cancel"), Parent.REQUEST_DROP())]],
    )


async def _summary(update: Update, context: BotContext, draft: RequestDraft) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    child = next((c for c in profile.children if c.id == draft.student), None)
    if child is None or draft.text is None:
        context.user_state.clear(RequestDraft)
        await send(update, context, _("That is not possible from this account."))
        return
    user = profile.telegram_user_id
    lines = [
        _("<b>Please check your request</b>"),
        "",
        _("Request: {kind}").format(kind=kind_label(draft.kind)),
        _("Child: {child}").format(child=esc(f"{child.first_name} {child.last_name}")),
        draft.about(context, child),
        _("Your text:"),
        f"<blockquote>{esc(draft.text)}</blockquote>",
        "",
        _("Send it to the school?"),
    ]
    await send(
        update,
        context,
        "\n".join(lines),
        [
            [context.button(user, _("Send request"), Parent.REQUEST_SEND(draft.key))],
            [context.button(user, _("Change the text"), Parent.REQUEST_EDIT())],
            [context.button(user, _("Cancel"), Parent.REQUEST_DROP())],
        ],
    )


async def edit_text(update: Update, context: BotContext, _args: NoArgs) -> None:
    draft = context.user_state.held(RequestDraft)
    if draft is None:
        await _gone(update, context)
        return
    found = await child_of(update, context, draft.student)
    if found is None:
        context.user_state.clear(RequestDraft)
        return
    await ask_text(update, context, draft, found[1])


async def drop(update: Update, context: BotContext, _args: NoArgs) -> None:
    context.user_state.clear(RequestDraft)
    assert update.effective_user is not None
    await show(
        update,
        context,
        _("Cancelled. Nothing was sent."),
        [[context.button(update.effective_user.id, _("« Back to the menu"), Everyone.MENU())]],
    )


async def _gone(update: Update, context: BotContext) -> None:
    await show(update, context, _("This request was already sent or cancelled."))
    await send_menu(update, context)


async def submit(update: Update, context: BotContext, args: DraftKey) -> None:
    key = args.key
    draft = context.user_state.held(RequestDraft)
    if draft is None or draft.text is None or (key and draft.key != key):
        profile = await parent(update, context)
        if profile is not None and not await already_sent(update, context, profile, key):
            await _gone(update, context)
        return
    found = await child_of(update, context, draft.student)
    if found is None:
        context.user_state.clear(RequestDraft)
        return
    profile, child = found
    case = await context.services.cases.submit(
        actor(profile),
        student_id=child.id,
        kind=Kind(draft.kind),
        details=draft.details,
        text=draft.text,
        idempotency_key=case_key(profile, draft.key),
    )
    context.user_state.clear(RequestDraft)
    await show(update, context, *submitted_text(context, profile, case))
