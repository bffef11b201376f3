"""The staff steps that wait for typed text, each a draft that knows what it asks, what the
member confirms and what it does: an internal note, an extension, a refusal and an answer.
The screens that lead to them (months, legal ground, outcome) are in
handlers.staff.answering."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from telegram import Update

from bot.domain.free_text import clean_text
from bot.domain.model import Case, Kind, Refused
from bot.domain.staff_base import CaseView, StaffActor
from bot.domain.staff_cases import MAX_MESSAGE, StaffCases
from bot.domain.texts.for_parents import ground_line, lifted_line
from bot.domain.texts.for_staff import delivery_line, not_a_school_day_note
from bot.domain.texts.labels import kind_label, outcome_label
from bot.domain.transitions import lift_date, new_due_date
from bot.i18n import _, current_language, format_date
from bot.schools.config import SchoolConfig
from handlers.buttons import Staff
from handlers.context import BotContext
from handlers.messages import send, show
from handlers.render import esc
from handlers.staff import common
from handlers.staff.common import Rows, StaffStep, actor, refusal_text, user_id
from handlers.staff.steps import cancel_row, gone, limit_line, run
from handlers.texts import too_long


class TextStep(StaffStep):
    """A staff step that waits for typed text about its request."""

    def prompt(self, view: CaseView) -> str:
        """What the member is asked to type (the limit follows)."""
        raise NotImplementedError

    def rows(self, context: BotContext, user: int) -> Rows:
        """Buttons above Cancel under the question."""
        return []

    async def take_text(self, update: Update, context: BotContext, text: str) -> None:
        raise NotImplementedError

    async def receive(self, update: Update, context: BotContext) -> bool:
        message = update.effective_message
        if message is None:
            common.clear(context)
            return False
        if message.text is not None and message.text.startswith("/"):
            return False  # an unknown command: the general hint, and the step keeps waiting
        if message.text is None:
            await send(update, context, _("Please type your answer as text."))
            return True
        text = clean_text(message.text)
        if not text:
            return True
        if len(text) > MAX_MESSAGE:
            await send(update, context, too_long(len(text), MAX_MESSAGE))
            return True
        context.user_state.awaiting = False
        await self.take_text(update, context, text)
        return True


async def ask(
    update: Update, context: BotContext, step: TextStep, view: CaseView, *, new_message: bool
) -> None:
    """Wait for ``step``'s text and ask for it, in a new message or in place of the last."""
    context.user_state.start(step)
    user = user_id(update)
    await (send if new_message else show)(
        update,
        context,
        step.prompt(view) + "\n" + limit_line(),
        [*step.rows(context, user), cancel_row(context, user, step.case)],
    )


@dataclass
class Note(TextStep):
    """An internal note: saved as soon as it is typed; the parent never sees it."""

    tag: ClassVar[str] = "staff.note"

    def prompt(self, view: CaseView) -> str:
        return _("Type the internal note for request {number}. The parent never sees it.").format(
            number=esc(view.case.number)
        )

    async def take_text(self, update: Update, context: BotContext, text: str) -> None:
        case_id, who = self.case, actor(update)
        await run(
            update,
            context,
            case_id,
            lambda: context.services.staff_cases.note(who, case_id, text),
            _("Note saved. The parent does not see it."),
        )


@dataclass
class Decision(TextStep):
    """A step the parent is told of: the member types a message (or, for an answer, none)
    and confirms what they see before anything changes."""

    text: str | None = field(default=None, kw_only=True)
    written: bool = field(default=False, kw_only=True)
    """The message is typed (or left out): the confirmation can be tapped."""

    def heading(self, view: CaseView, school: SchoolConfig, today: date) -> list[str] | None:
        """The confirmation's first lines; None when the step is no longer possible."""
        raise NotImplementedError

    def do(self, service: StaffCases, who: StaffActor) -> Awaitable[Case]:
        raise NotImplementedError

    def said(self) -> str:
        """What the member reads when it is done."""
        raise NotImplementedError

    async def take_text(self, update: Update, context: BotContext, text: str | None) -> None:
        self.text, self.written = text, True
        await confirm(update, context, self)


@dataclass
class Extension(Decision):
    """A later answer date, with the reason the parent reads."""

    tag: ClassVar[str] = "staff.extend"
    months: int

    def prompt(self, view: CaseView) -> str:
        return _("Please type the reason for the extension. The parent reads it.")

    def heading(self, view: CaseView, school: SchoolConfig, today: date) -> list[str] | None:
        new_due = new_due_date(view.case, school.tz, self.months)
        if new_due is None:
            return None
        lines = [
            _("<b>Extend request {number}</b> to {due}").format(
                number=esc(view.case.number), due=format_date(new_due, "full")
            )
        ]
        if note := not_a_school_day_note(new_due, school):
            lines.append(note)
        return lines

    def do(self, service: StaffCases, who: StaffActor) -> Awaitable[Case]:
        return service.extend(who, self.case, self.months, self.text or "")

    def said(self) -> str:
        return _("The answer date has been extended and the parent has been told.")


@dataclass
class Refusal(Decision):
    """A refused request, with the reason the parent reads beside their right to complain;
    a deletion is refused only on a ground the parent is told."""

    tag: ClassVar[str] = "staff.reject"
    ground: str | None = None

    def prompt(self, view: CaseView) -> str:
        return "\n".join(
            [
                _(
                    "Please type the reason for the refusal. The parent reads it, together "
                    "with their right to complain to the Autoriteit Persoonsgegevens."
                ),
                _(
                    "A refusal has the same deadline as an answer: it must reach the parent by "
                    "{due}."
                ).format(due=format_date(view.case.due, "full")),
            ]
        )

    def heading(self, view: CaseView, school: SchoolConfig, today: date) -> list[str] | None:
        lines = [_("<b>Refuse request {number}</b>").format(number=esc(view.case.number))]
        if line := ground_line(school, self.ground):
            lines.append(line)
        return lines

    def do(self, service: StaffCases, who: StaffActor) -> Awaitable[Case]:
        return service.reject(who, self.case, self.text or "", self.ground)

    def said(self) -> str:
        return _("The request is refused and the parent has been told, with their rights.")


@dataclass
class Lifting(Decision):
    """A granted restriction lifted (AVG art. 18(3)): it ends a week from now, and the parent
    is told now, with the reason."""

    tag: ClassVar[str] = "staff.lift"

    def prompt(self, view: CaseView) -> str:
        return _(
            "Please type why the restriction is lifted. The parent reads it now, before the "
            "restriction ends, together with their right to complain."
        )

    def heading(self, view: CaseView, school: SchoolConfig, today: date) -> list[str] | None:
        return [
            _("<b>Lift the restriction of request {number}</b>").format(
                number=esc(view.case.number)
            ),
            lifted_line(lift_date(today)),
        ]

    def do(self, service: StaffCases, who: StaffActor) -> Awaitable[Case]:
        return service.lift(who, self.case, self.text or "")

    def said(self) -> str:
        return _("The parent has been told when the restriction ends, and why.")


@dataclass
class Answer(Decision):
    """The request answered and closed: its outcome, the data kept (a partial deletion) and
    an optional message; attached documents go to the parent with it."""

    tag: ClassVar[str] = "staff.resolve"
    outcome: str
    kept: list[str] = field(default_factory=list)
    off_roster_shown: bool = False
    """The confirmation said that the parent who asked is no longer on the roster:
    confirming it sends them the documents all the same."""

    def _title(self, view: CaseView) -> str:
        return _("<b>Answer request {number}</b> ({kind})").format(
            number=esc(view.case.number), kind=kind_label(view.case.kind)
        )

    def prompt(self, view: CaseView) -> str:
        lines = [
            self._title(view),
            _("Type a short message to the parent, or send the answer without one."),
        ]
        return "\n".join(lines)

    def rows(self, context: BotContext, user: int) -> Rows:
        return [[context.button(user, _("No message"), Staff.RESOLVE_NO_MESSAGE(self.case))]]

    def heading(self, view: CaseView, school: SchoolConfig, today: date) -> list[str] | None:
        language = current_language()
        lines = [
            self._title(view),
            _("Outcome: {outcome}").format(outcome=outcome_label(self.outcome, for_staff=True)),
        ]
        for key in self.kept:
            if category := school.category(key):
                lines.append(
                    _("Kept: {category}").format(category=esc(category.label.get(language)))
                )
        if view.documents:
            lines.append(_("Documents sent to the parent: {n}").format(n=len(view.documents)))
            if not view.requester_on_roster:
                self.off_roster_shown = True
                lines.append(
                    _(
                        "⚠️ The parent who asked is no longer a guardian of this child on the "
                        "roster. Confirm only if the documents may still go to them."
                    )
                )
        elif view.case.kind == Kind.ACCESS:
            lines.append(delivery_line(view.case, view.guardian_email))
        return lines

    def do(self, service: StaffCases, who: StaffActor) -> Awaitable[Case]:
        return service.resolve(
            who,
            self.case,
            self.outcome,
            self.text,
            self.kept,
            off_roster_confirmed=self.off_roster_shown,
        )

    def said(self) -> str:
        return _("Done: the request is closed and the parent has been told.")


async def confirm(update: Update, context: BotContext, draft: Decision) -> None:
    """What will happen, for the member to confirm (a new message)."""
    try:
        view = await context.services.staff_views.view(actor(update), draft.case)
    except Refused as exc:
        common.clear(context)
        await send(update, context, refusal_text(exc, None))
        return
    school = context.services.school_by_id[view.case.school_id]
    lines = draft.heading(view, school, context.services.clock.now().astimezone(school.tz).date())
    if lines is None:
        await gone(update, context)
        return
    if draft.text:
        lines += [
            _("Your message to the parent:"),
            f"<blockquote>{esc(draft.text)}</blockquote>",
        ]
    else:
        lines.append(_("No message to the parent."))
    lines += ["", _("Is this right? The parent is told at once.")]
    user = user_id(update)
    await send(
        update,
        context,
        "\n".join(lines),
        [
            [context.button(user, _("Confirm"), Staff.CONFIRM(draft.case))],
            cancel_row(context, user, draft.case),
        ],
    )
