"""The staff menu, the queue and one case with exactly the buttons this member may use."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.case_details import opened_by_school
from bot.domain.dossier_copy import takes_documents
from bot.domain.model import HANDLING_ROLES, Kind, Refused, Role
from bot.domain.outcomes import about_judgements
from bot.domain.staff_base import CaseView, QueueLine
from bot.domain.texts.for_staff import consent_task_lines, correction_note, delivery_line
from bot.domain.texts.labels import (
    change_label,
    consent_change_label,
    kind_label,
    outcome_label,
    role_label,
    status_label,
    when,
)
from bot.domain.transitions import Action
from bot.i18n import (
    LANGUAGES,
    N_,
    _,
    current_language,
    format_date,
    gettext,
    ngettext,
    use_language,
)
from handlers.buttons import Action as Button
from handlers.buttons import Everyone, ForCase, NoArgs, QueuePage, Staff
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.render import esc
from handlers.staff.common import actor, refusal_text, staff_profile
from handlers.texts import group_label

PAGE = 10
KINDS = tuple(k.value for k in Kind)


# --- the queue ---------------------------------------------------------------------------


def _line(q: QueueLine) -> str:
    if q.days_left < 0:
        left = ngettext("{n} day overdue", "{n} days overdue", -q.days_left).format(n=-q.days_left)
        left = f"<b>{left}</b>"
    else:
        left = ngettext("{n} day left", "{n} days left", q.days_left).format(n=q.days_left)
    return (
        f"• {esc(q.case.number)} · {kind_label(q.case.kind)} · {esc(q.first_name)} "
        f"({group_label(q.group_name)}) · {status_label(q.case.status)} · {left}"
    )


# The words /queue takes after it, in the current language: every one is also understood
# in the other language, so a head teacher can type either.
SCOPE_WORDS: dict[str, str] = {
    "all": N_("all"),
    "overdue": N_("overdue"),
    "access": N_("copy"),
    "rectification": N_("correction"),
    "erasure": N_("deletion"),
    "consent": N_("consent"),
    "restriction": N_("restriction"),
    "objection": N_("objection"),
}


def queue_scope(words: list[str]) -> str | None:
    """The queue a /queue command asks for ("mine" without words), by the words typed in
    either language or as the stored scope; None when they name none."""
    typed = " ".join(words).strip().casefold()
    if not typed:
        return "mine"
    for scope, word in SCOPE_WORDS.items():
        known = {scope}
        for language in LANGUAGES:
            with use_language(language):
                known.add(gettext(word).casefold())
        if typed in known:
            return scope
    return None


async def queue_command(update: Update, context: BotContext) -> None:
    profile = await staff_profile(update, context)
    if profile is None:
        return
    scope = queue_scope(list(context.args or []))
    if scope is None:
        await send(update, context, queue_usage())
        return
    await _queue(update, context, profile, scope, 0)


def queue_usage() -> str:
    return _(
        "Use /queue for your open requests. The head teacher can also use /queue {all}, "
        "/queue {overdue} or /queue with a kind: {kinds}."
    ).format(
        all=gettext(SCOPE_WORDS["all"]),
        overdue=gettext(SCOPE_WORDS["overdue"]),
        kinds=", ".join(gettext(SCOPE_WORDS[k]) for k in KINDS),
    )


async def queue_button(update: Update, context: BotContext, args: QueuePage) -> None:
    profile = await staff_profile(update, context)
    if profile is None:
        return
    scope = args.scope if args.scope in ("mine", "all", "overdue", *KINDS) else "mine"
    await _queue(update, context, profile, scope, args.page)


async def _queue(
    update: Update, context: BotContext, profile: Profile, scope: str, page: int
) -> None:
    if scope != "mine" and not any(m.role == Role.DIRECTOR for m in profile.staff):
        scope = "mine"
    if not any(m.role in HANDLING_ROLES for m in profile.staff):
        await counts_button(update, context, NoArgs())
        return
    lines = await context.services.staff_views.queue(actor(update), scope)
    pages = max(1, -(-len(lines) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = lines[page * PAGE : (page + 1) * PAGE]
    title = _("<b>My queue</b>") if scope == "mine" else _("<b>Open requests</b>")
    text = [title]
    if not lines:
        text.append(_("No open requests. Well done."))
    text += [_line(q) for q in shown]
    if pages > 1:
        text.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    user = profile.telegram_user_id
    rows = [
        [context.button(user, f"{q.case.number} · {q.first_name}", Staff.CASE(q.case.id))]
        for q in shown
    ]
    nav = []
    if page > 0:
        nav.append(context.button(user, _("« Previous"), Staff.QUEUE(scope, page - 1)))
    if page < pages - 1:
        nav.append(context.button(user, _("Next »"), Staff.QUEUE(scope, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(update, context, "\n".join(text), rows)


async def counts_button(update: Update, context: BotContext, _args: NoArgs) -> None:
    profile = await staff_profile(update, context)
    if profile is None:
        return
    counts = await context.services.staff_views.counts(actor(update))
    user = profile.telegram_user_id
    back = [[context.button(user, _("« Back to the menu"), Everyone.MENU())]]
    if counts is None:
        await show(
            update, context, _("You cannot do this for this request. Nothing was changed."), back
        )
        return
    lines = [_("<b>Requests in numbers</b>")]
    for school, table in counts.items():
        lines += ["", f"<b>{esc(school)}</b>"]
        if not table:
            lines.append(_("No requests yet."))
        for (kind, status), n in sorted(table.items()):
            lines.append(f"• {kind_label(kind)} · {status_label(status)}: {n}")
    await show(update, context, "\n".join(lines), back)


# --- one case ----------------------------------------------------------------------------

# The button of each action a member may take on a case, with its label.
BUTTONS: dict[Action, tuple[str, Button[[int], ForCase]]] = {
    Action.TAKE: (N_("Take on"), Staff.TAKE),
    Action.ATTACH: (N_("Attach copy"), Staff.ATTACH),
    Action.RESOLVE: (N_("Answer and close"), Staff.RESOLVE),
    Action.REJECT: (N_("Refuse"), Staff.REJECT),
    Action.EXTEND: (N_("Extend"), Staff.EXTEND),
    Action.NOTE: (N_("Internal note"), Staff.NOTE),
    Action.ESCALATE: (N_("To the head teacher"), Staff.ESCALATE),
    Action.ASSIGN: (N_("Assign"), Staff.ASSIGN),
    Action.LIFT: (N_("Lift the restriction"), Staff.LIFT),
}


def case_text(context: BotContext, view: CaseView) -> str:
    case, student = view.case, view.student
    school = context.services.school_by_id[case.school_id]
    language = current_language()
    lines = [
        _("<b>Request {number}</b>: {kind}").format(
            number=esc(case.number), kind=kind_label(case.kind)
        ),
        _("Child: {child} ({group})").format(
            child=esc(f"{student.first_name} {student.last_name}"),
            group=group_label(student.group_name),
        ),
        _("Opened by Privacyloket: the pupil is no longer on the roster.")
        if opened_by_school(case.details)
        else _("Requested by: {guardian}").format(guardian=esc(view.guardian_name)),
        _("Status: {status}").format(status=status_label(case.status)),
    ]
    if not view.requester_on_roster and not opened_by_school(case.details):
        lines.append(
            _(
                "⚠️ The parent who asked is no longer a guardian of this child on the roster. "
                "The request stays theirs; a copy of the dossier is sent only after you "
                "confirm that this is right."
            )
        )
    if view.assignee_name:
        lines.append(
            _("Assigned to: {role} {name}").format(
                role=role_label(case.assignee_role), name=esc(view.assignee_name)
            )
        )
    lines.append(
        _("Received on {received}; answer by {due}.").format(
            received=format_date(case.received_at.astimezone(school.tz).date()),
            due=format_date(case.due),
        )
    )
    if case.extended_due_on:
        lines.append(
            _("Extended; the original answer date was {due}.").format(due=format_date(case.due_on))
        )
        lines += [
            _("Reason for the extension: {reason}").format(reason=esc(reason))
            for reason in view.extension_reasons
        ]
    if view.undelivered:
        lines.append(
            "⚠️ "
            + ngettext(
                "{n} message about this request could not be delivered (the bot was blocked "
                "or the chat is gone): please contact them another way.",
                "{n} messages about this request could not be delivered (the bot was blocked "
                "or the chat is gone): please contact them another way.",
                view.undelivered,
            ).format(n=view.undelivered)
        )
    categories = [
        c.label.get(language)
        for k in (case.details.get("categories") or [case.details.get("category")])
        if k and (c := school.category(k))
    ]
    if case.kind == Kind.ACCESS:
        lines.append(delivery_line(case, view.guardian_email))
    if categories:
        lines.append(_("About: {categories}").format(categories=esc(", ".join(categories))))
    if case.kind == Kind.RECTIFICATION and case.is_open:
        lines.append(correction_note(about_judgements(case, school)))
    for key in sorted(case.details.get("changes", {})):
        purpose = school.consent_purpose(key)
        label = esc(purpose.label.get(language) if purpose else key)
        lines.append(f"• {label}: " + consent_change_label(case.details, key))
    if case.details.get("takedown"):
        lines += consent_task_lines(case, school, esc(student.first_name))
    if case.text:
        lines += [_("The parent wrote:"), f"<blockquote>{esc(case.text)}</blockquote>"]
    if view.outcome:
        lines.append(
            _("Outcome: {outcome}").format(outcome=outcome_label(view.outcome, for_staff=True))
        )
        if view.outcome_message:
            lines += [
                _("Message to the parent:"),
                f"<blockquote>{esc(view.outcome_message)}</blockquote>",
            ]
        if view.lifted_on is not None:
            lines.append(
                _(
                    "The restriction ends on {date}; the parent has been told why, before it "
                    "ends (GDPR (AVG) Art. 18(3)):"
                ).format(date=format_date(view.lifted_on, "full"))
            )
            lines.append(f"<blockquote>{esc(view.lift_reason or '')}</blockquote>")
        elif Action.LIFT in view.actions:
            lines.append(
                _(
                    "The restriction is in force: keep the data, but do not use it otherwise. "
                    "To lift it, tap Lift the restriction: the parent is told first."
                )
            )
    if view.documents:
        lines.append(
            ngettext(
                "{n} document attached", "{n} documents attached", len(view.documents)
            ).format(n=len(view.documents))
            + "".join(f"\n  – {_document_name(d.kind, d.name)}" for d in view.documents)
        )
    lines += ["", _("<b>Timeline</b>")]
    for change in view.timeline:
        who = (
            f"{role_label(change.role)} {esc(change.staff_name)}"
            if change.staff_name
            else role_label(change.role)
        )
        lines.append(f"• {when(change.at, school)} · {change_label(change, school)} · {who}")
    if view.notes:
        lines += ["", _("<b>Internal notes</b> (never shown to the parent)")]
        for change, text in view.notes:
            lines.append(f"• {when(change.at, school)} · {esc(change.staff_name or '')}")
            lines.append(f"<blockquote>{esc(text)}</blockquote>")
    if view.to_inform:
        lines += [
            "",
            _(
                "Please inform these recipients of the change (GDPR (AVG) Art. 19), or mark one "
                "not "
                "applicable when it never received this data; the parent is told only those "
                "informed:"
            ),
        ]
        lines += [
            f"• {esc(r.name.get(language))}" for k in view.to_inform if (r := school.recipient(k))
        ]
    return "\n".join(lines)


def _document_name(kind: str, name: str | None) -> str:
    if name:
        return esc(name)
    return _("photo") if kind == "photo" else _("document without a name")


def case_buttons(
    context: BotContext, user: int, view: CaseView
) -> list[list[InlineKeyboardButton]]:
    school = context.services.school_by_id[view.case.school_id]
    language = current_language()
    rows: list[list[InlineKeyboardButton]] = []
    actions = [a for a in view.actions if a != Action.ATTACH or takes_documents(view.case)]
    pair: list[InlineKeyboardButton] = []
    for action in actions:
        label, button = BUTTONS[action]
        pair.append(context.button(user, gettext(label), button(view.case.id)))
        if len(pair) == 2:
            rows.append(pair)
            pair = []
    if pair:
        rows.append(pair)
    for key in view.to_inform:
        recipient = school.recipient(key)
        if recipient is not None:
            index = [r.key for r in school.recipients].index(key)
            name = recipient.name.get(language)
            rows.append(
                [
                    context.button(
                        user,
                        _("✓ Informed: {name}").format(name=name),
                        Staff.INFORMED(view.case.id, index),
                    )
                ]
            )
            rows.append(
                [
                    context.button(
                        user,
                        _("{name}: not applicable (did not receive this)").format(name=name),
                        Staff.NOT_APPLICABLE(view.case.id, index),
                    )
                ]
            )
    rows.append([context.button(user, _("« My queue"), Staff.QUEUE("mine", 0))])
    return rows


async def open_case(update: Update, context: BotContext, case_id: int, *, edit: bool) -> None:
    services = context.services
    try:
        view = await services.staff_views.view(actor(update), case_id)
    except Refused as exc:
        await send(update, context, refusal_text(exc, None))
        return
    assert update.effective_user is not None
    text = case_text(context, view)
    keyboard = case_buttons(context, update.effective_user.id, view)
    await (show if edit else send)(update, context, text, keyboard)
    chat = context.chat_data
    if chat is not None and chat.live_message is not None:
        chat.show_case(chat.live_message, case_id)


async def case_button(update: Update, context: BotContext, args: ForCase) -> None:
    if await staff_profile(update, context) is None:
        return
    await open_case(update, context, args.case, edit=True)


async def case_from_notice(update: Update, context: BotContext, args: ForCase) -> None:
    """The button under an alert or reminder: the request as a new message, the notice
    stays as it was."""
    if await staff_profile(update, context) is None:
        return
    await open_case(update, context, args.case, edit=False)


async def case_id_from_args(update: Update, context: BotContext, command: str) -> int | None:
    """The case a command names ('/take 2026-0042'), or None after explaining the use."""
    if await staff_profile(update, context) is None:
        return None
    args = context.args or []
    found = await context.services.staff_views.find(actor(update), args[0]) if args else None
    if found is None:
        usage = _(
            "Use /{command} followed by the request number, for example /{command} 2026-0042."
        )
        if args:
            await context.services.staff_views.refusal(
                actor(update), command, None, "unknown_number"
            )
            usage = (
                _("I do not know request {number}.").format(number=esc(args[0][:20])) + " " + usage
            )
        await send(update, context, usage.format(command=command))
        return None
    return found


async def case_command(update: Update, context: BotContext) -> None:
    case_id = await case_id_from_args(update, context, "case")
    if case_id is not None:
        await open_case(update, context, case_id, edit=False)
