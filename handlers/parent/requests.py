"""Choosing a child, and the correction and deletion requests with their free text."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.free_text import MAX_TEXT, TextProblem, clean_text, text_problem
from bot.domain.model import Kind
from bot.domain.texts.labels import about_line, kind_label
from bot.i18n import _, current_language, format_number
from handlers import fallback
from handlers.callbacks import Callback
from handlers.context import BotContext
from handlers.menu import send_menu
from handlers.messages import send, show
from handlers.parent.common import (
    AWAITING,
    DRAFT,
    actor,
    already_sent,
    case_key,
    child_of,
    clear_draft,
    for_child,
    new_key,
    parent,
    submitted_text,
)
from handlers.render import esc
from storage.people import Student

# --- correction -------------------------------------------------------------------------


@for_child
async def correction_categories(
    update: Update, context: BotContext, cb: Callback, profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    language = current_language()
    user = profile.telegram_user_id
    rows: list[list[InlineKeyboardButton]] = [
        [context.button(user, c.label.get(language), "corcat", child.id, c.key)]
        for c in school.categories
    ]
    rows.append([context.button(user, _("« Back to the menu"), "menu")])
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
    update: Update, context: BotContext, cb: Callback, _profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    category = school.category(cb.args[1]) if len(cb.args) > 1 else None
    if category is None:
        await correction_categories(update, context, cb)
        return
    _start_draft(
        context,
        {
            "kind": Kind.RECTIFICATION.value,
            "student": child.id,
            "details": {"category": category.key},
        },
    )
    await _ask_text(update, context, child)


# --- deletion ---------------------------------------------------------------------------


def _selected(mask: int, count: int) -> list[int]:
    return [i for i in range(count) if mask >> i & 1]


@for_child
async def deletion_categories(
    update: Update, context: BotContext, cb: Callback, profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    mask = cb.int_arg(1) or 0
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
        rows.append([context.button(user, label, "del", child.id, mask ^ (1 << index))])
    if mask:
        rows.append([context.button(user, _("Next"), "delnext", child.id, mask)])
    rows.append([context.button(user, _("« Back to the menu"), "menu")])
    grounds = [g.label.get(language) for g in school.retention_grounds]
    voluntary = [c.label.get(language) for c in categories if c.voluntary]
    lines = [
        _("<b>Delete data about {child}</b>").format(child=esc(child.first_name)),
        "",
        _(
            "The school deletes data that it no longer needs. Data it must keep by law may be "
            "kept until the legal period has passed:"
        ),
        *[f"• {esc(g)}" for g in grounds],
    ]
    if voluntary:
        lines += [
            "",
            _("Voluntary data is always deleted when you ask: {categories}.").format(
                categories=esc(", ".join(voluntary))
            ),
        ]
    lines += ["", _("Tap the data you would like deleted, then Next.")]
    await show(update, context, "\n".join(lines), rows)


@for_child
async def deletion_reason(
    update: Update, context: BotContext, cb: Callback, _profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    chosen = _selected(cb.int_arg(1) or 0, len(school.categories))
    keys = [school.categories[i].key for i in chosen]
    if not keys:
        await deletion_categories(update, context, Callback("del", (str(child.id), "0")))
        return
    _start_draft(
        context, {"kind": Kind.ERASURE.value, "student": child.id, "details": {"categories": keys}}
    )
    await _ask_text(update, context, child)


# --- the free text and the summary --------------------------------------------------------


def _start_draft(context: BotContext, draft: dict[str, Any]) -> None:
    assert context.user_data is not None
    context.user_data[DRAFT] = {**draft, "key": new_key()}
    context.user_data[AWAITING] = True


def _draft(context: BotContext) -> dict[str, Any] | None:
    draft = context.user_data.get(DRAFT) if context.user_data is not None else None
    return draft if isinstance(draft, dict) else None


def _question(draft: dict[str, Any]) -> str:
    if draft["kind"] == Kind.RECTIFICATION.value:
        return _("Please type what is wrong and what it should be.")
    if draft["kind"] == Kind.RESTRICTION.value:
        return _("Please type why the school should restrict the use of this data.")
    if draft["kind"] == Kind.OBJECTION.value:
        return _("Please type why you object to this use, given your situation.")
    return _("Please type why you would like this deleted.")


def _about(context: BotContext, draft: dict[str, Any], child: Student) -> str:
    school = context.services.school_by_id[child.school_id]
    return about_line(school, draft["details"]) or ""


async def _ask_text(update: Update, context: BotContext, child: Student) -> None:
    draft = _draft(context)
    assert draft is not None and update.effective_user is not None
    heading = _("<b>{kind} for {child}</b>").format(
        kind=kind_label(draft["kind"]).capitalize(), child=esc(child.first_name)
    )
    lines = [
        heading,
        _about(context, draft, child),
        "",
        _question(draft),
        _("At most {limit} characters.").format(limit=format_number(MAX_TEXT)),
    ]
    await show(
        update,
        context,
        "\n".join(lines),
        [[context.button(update.effective_user.id, _("Cancel"), "drop")]],
    )


async def text_typed(update: Update, context: BotContext) -> None:
    """Text, a photo or anything else typed while no command or button took it."""
    if context.user_data is None or not context.user_data.get(AWAITING):
        await fallback.unexpected(update, context)
        return
    draft = _draft(context)
    message = update.effective_message
    if draft is None or message is None:
        clear_draft(context)
        await fallback.unexpected(update, context)
        return
    if message.text is None:
        await send(update, context, _("Please type your answer as text."))
        return
    if message.text.startswith("/"):
        # Our own commands were taken before this; this one we do not know.
        await send(
            update,
            context,
            _("That looks like a command I do not know. I am still waiting for your text.")
            + " "
            + _question(draft),
        )
        return
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
        return
    if problem is TextProblem.EMPTY:
        await send(update, context, _question(draft))
        return
    if problem is TextProblem.TOO_LONG:
        await send(
            update,
            context,
            _(
                "Your text is {length} characters long; the limit is {limit}. Please shorten "
                "it and send it again. Nothing has been sent yet."
            ).format(length=format_number(len(text)), limit=format_number(MAX_TEXT)),
        )
        return
    draft["text"] = text
    context.user_data[AWAITING] = False
    await _summary(update, context, draft)


async def _summary(update: Update, context: BotContext, draft: dict[str, Any]) -> None:
    profile = await parent(update, context)
    if profile is None:
        return
    child = next((c for c in profile.children if c.id == draft.get("student")), None)
    if child is None:
        clear_draft(context)
        await send(update, context, _("That is not possible from this account."))
        return
    user = profile.telegram_user_id
    lines = [
        _("<b>Please check your request</b>"),
        "",
        _("Request: {kind}").format(kind=kind_label(draft["kind"])),
        _("Child: {child}").format(child=esc(f"{child.first_name} {child.last_name}")),
        _about(context, draft, child),
        _("Your text:"),
        f"<blockquote>{esc(draft['text'])}</blockquote>",
        "",
        _("Send it to the school?"),
    ]
    await send(
        update,
        context,
        "\n".join(lines),
        [
            [context.button(user, _("Send request"), "sub", draft.setdefault("key", new_key()))],
            [context.button(user, _("Change the text"), "edit")],
            [context.button(user, _("Cancel"), "drop")],
        ],
    )


async def edit_text(update: Update, context: BotContext, cb: Callback) -> None:
    draft = _draft(context)
    if draft is None:
        await _gone(update, context)
        return
    found = await child_of(update, context, draft.get("student"))
    if found is None:
        clear_draft(context)
        return
    assert context.user_data is not None
    context.user_data[AWAITING] = True
    await _ask_text(update, context, found[1])


async def drop(update: Update, context: BotContext, cb: Callback) -> None:
    clear_draft(context)
    assert update.effective_user is not None
    await show(
        update,
        context,
        _("Cancelled. Nothing was sent."),
        [[context.button(update.effective_user.id, _("« Back to the menu"), "menu")]],
    )


async def _gone(update: Update, context: BotContext) -> None:
    await show(update, context, _("This request was already sent or cancelled."))
    await send_menu(update, context)


async def submit(update: Update, context: BotContext, cb: Callback) -> None:
    key = cb.args[0] if cb.args else None
    draft = _draft(context)
    if draft is None or "text" not in draft or (key and draft.get("key") != key):
        profile = await parent(update, context)
        if profile is not None and not await already_sent(update, context, profile, key):
            await _gone(update, context)
        return
    found = await child_of(update, context, draft.get("student"))
    if found is None:
        clear_draft(context)
        return
    profile, child = found
    case = await context.services.cases.submit(
        actor(profile),
        student_id=child.id,
        kind=Kind(draft["kind"]),
        details=draft["details"],
        text=draft["text"],
        idempotency_key=case_key(profile, draft.setdefault("key", new_key())),
    )
    clear_draft(context)
    await show(update, context, *submitted_text(context, profile, case))


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel outside the sign-up conversation: drop a request being written."""
    if _draft(context) is not None:
        clear_draft(context)
        await send(update, context, _("Cancelled. Nothing was sent."))
    await send_menu(update, context)
