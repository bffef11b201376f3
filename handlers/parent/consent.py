"""Photo consent per child: every purpose with its state, toggles, a summary, confirm."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.domain.accounts import Profile
from bot.domain.case_details import consent_withdrawn
from bot.domain.consent import PurposeState
from bot.domain.texts.for_parents import consent_now_label
from bot.domain.texts.for_parents_rounds import exchange_lines, exchanges_heading
from bot.i18n import _, current_language
from bot.schools.config import ExchangePurpose, SchoolConfig
from handlers.buttons import ConsentChoices, Everyone, Parent
from handlers.context import BotContext
from handlers.messages import show
from handlers.parent.common import actor, case_key, for_child, new_key
from handlers.render import esc
from storage.people import Student

# One letter per purpose, in config order: y = give, n = not give, u = not answered.
_GIVEN, _REFUSED, _UNKNOWN = "y", "n", "u"


def _encode(states: list[PurposeState]) -> str:
    return "".join(_UNKNOWN if s.own is None else _GIVEN if s.own else _REFUSED for s in states)


def _parse(value: str, states: list[PurposeState]) -> str:
    """The choices from a button, or the saved ones when the button is not for this form."""
    if len(value) == len(states) and set(value) <= {_GIVEN, _REFUSED, _UNKNOWN}:
        return value
    return _encode(states)


def _choice_label(letter: str) -> str:
    if letter == _GIVEN:
        return _("given")
    if letter == _REFUSED:
        return _("no consent")
    return _("not answered")


def _now_line(state: PurposeState, child: str) -> str:
    """What applies to this child now, and why; it never contradicts the parent's answer."""
    child = esc(child)
    if state.effective and state.own:
        return _("Now: photos of {child} allowed (you gave consent).").format(child=child)
    if state.effective:
        return _(
            "Now: photos of {child} allowed, because another parent gave consent and nobody "
            "refused."
        ).format(child=child)
    if state.own is False:
        return _("Now: no photos of {child} (you refused).").format(child=child)
    if state.refused_by_other:
        return _("Now: no photos of {child}, because another parent refused.").format(child=child)
    return _("Now: no photos of {child} (nobody has given consent).").format(child=child)


def _why(state: PurposeState, withdrew: bool = False) -> str:
    """Why a purpose is allowed or not now, in a few words; ``withdrew``: this parent just
    withdrew the consent they had given."""
    if withdrew:
        return _("you withdrew your consent")
    if state.effective:
        return (
            _("you gave consent")
            if state.own
            else _("another parent gave consent and nobody refused")
        )
    if state.refused_by_other and state.own is not False:
        return _("another parent refused")
    if state.own is False:
        return _("you refused")
    return _("nobody has given consent")


def _stopping_lines(
    school: SchoolConfig, was_allowed: dict[str, bool], changes: dict[str, bool], child: str
) -> list[str]:
    """For purposes that were allowed and are no longer (by this change): what is taken
    down, and what cannot be taken back because it was already handed out."""
    language = current_language()
    stopping = [
        p for p in school.photo_purposes if changes.get(p.key) is False and was_allowed.get(p.key)
    ]
    lines: list[str] = []
    online = [esc(p.label.get(language)) for p in stopping if not p.handed_out]
    handed = [esc(p.label.get(language)) for p in stopping if p.handed_out]
    if online:
        lines.append(
            _("What was published for {purposes} is taken down.").format(
                purposes=", ".join(online)
            )
        )
    if handed:
        lines.append(
            _(
                "{purposes}: what was already handed out cannot be taken back; photos of "
                "{child} are not used in new ones."
            ).format(purposes=", ".join(handed), child=esc(child))
        )
    return lines


def _mark(letter: str) -> str:
    return {"y": "✅", "n": "❌"}.get(letter, "➖")


async def _load(
    context: BotContext, args: ConsentChoices, profile: Profile, child: Student
) -> tuple[int, str, list[PurposeState], SchoolConfig, str]:
    states = await context.services.consents.all_states(actor(profile), child.id)
    wanted = _parse(args.choices or "", states)
    school = context.services.school_by_id[child.school_id]
    return child.id, child.first_name, states, school, wanted


@for_child
async def form(
    update: Update, context: BotContext, args: ConsentChoices, profile: Profile, child: Student
) -> None:
    child_id, name, states, school, wanted = await _load(context, args, profile, child)
    assert update.effective_user is not None
    user = update.effective_user.id
    language = current_language()
    lines = [
        _("<b>Photo consent for {child}</b>").format(child=esc(name)),
        _(
            "Here you decide whether the school may use photos and video of {child}, for each "
            "purpose. No answer counts as no. You can always withdraw consent later, here: it "
            "takes effect at once. Tap a purpose to change your choice; nothing changes until "
            "you confirm."
        ).format(child=esc(name)),
    ]
    rows: list[list[InlineKeyboardButton]] = []
    for index, (purpose, state) in enumerate(zip(school.consent_purposes, states, strict=True)):
        letter = wanted[index]
        label = purpose.label.get(language)
        saved = _encode([state])
        choice = _choice_label(saved)
        if letter != saved:
            choice = _("{before} → {after} once you confirm").format(
                before=choice, after=_choice_label(letter)
            )
        if isinstance(purpose, ExchangePurpose):
            if index == len(school.photo_purposes):
                lines += exchanges_heading(name)
            lines += exchange_lines(purpose, state, _mark(letter), choice, name)
            if not state.ended:
                toggled = wanted[:index] + (_REFUSED if letter == _GIVEN else _GIVEN)
                toggled += wanted[index + 1 :]
                rows.append(
                    [
                        context.button(
                            user, f"{_mark(letter)} {label}", Parent.CONSENT(child_id, toggled)
                        )
                    ]
                )
            continue
        lines += [
            "",
            f"{_mark(letter)} <b>{esc(label)}</b>: {esc(purpose.explanation.get(language))}",
            _("Your answer: {choice}").format(choice=choice),
            _now_line(state, name),
        ]
        flipped = _REFUSED if letter == _GIVEN else _GIVEN
        toggled = wanted[:index] + flipped + wanted[index + 1 :]
        rows.append(
            [context.button(user, f"{_mark(letter)} {label}", Parent.CONSENT(child_id, toggled))]
        )
    rows.append(
        [context.button(user, _("Review my changes"), Parent.CONSENT_REVIEW(child_id, wanted))]
    )
    rows.append([context.button(user, _("Who chose what, and when"), Parent.LEDGER(child_id))])
    rows.append([context.button(user, _("« Back to the menu"), Everyone.MENU())])
    await show(update, context, "\n".join(lines), rows)


def _changes(wanted: str, states: list[PurposeState]) -> dict[str, bool]:
    saved = _encode(states)
    return {
        state.key: wanted[i] == _GIVEN
        for i, state in enumerate(states)
        if wanted[i] != saved[i] and wanted[i] != _UNKNOWN and not state.ended
    }


@for_child
async def review(
    update: Update, context: BotContext, args: ConsentChoices, profile: Profile, child: Student
) -> None:
    child_id, name, states, school, wanted = await _load(context, args, profile, child)
    assert update.effective_user is not None
    user = update.effective_user.id
    changes = _changes(wanted, states)
    if not changes:
        await show(
            update,
            context,
            _("You have not changed anything."),
            [
                [
                    context.button(
                        user, _("« Back to photo consent"), Parent.CONSENT(child_id, wanted)
                    )
                ],
                [context.button(user, _("« Back to the menu"), Everyone.MENU())],
            ],
        )
        return
    language = current_language()
    lines = [_("<b>Please check your changes for {child}</b>").format(child=esc(name)), ""]
    own = {state.key: state.own for state in states}
    for purpose in school.consent_purposes:
        if purpose.key in changes:
            if changes[purpose.key]:
                what = _("give consent")
            elif own[purpose.key]:
                what = _("withdraw consent")
            else:
                what = _("refuse consent")
            lines.append(f"• {esc(purpose.label.get(language))}: {what}")
    lines += [
        "",
        _("This takes effect as soon as you confirm, and the teacher is asked to act on it."),
        *_stopping_lines(school, {st.key: st.effective for st in states}, changes, name),
    ]
    await show(
        update,
        context,
        "\n".join(lines),
        [
            [
                context.button(
                    user, _("Confirm"), Parent.CONSENT_CONFIRM(child_id, wanted, new_key())
                )
            ],
            [context.button(user, _("« Change my choices"), Parent.CONSENT(child_id, wanted))],
            [context.button(user, _("Cancel"), Everyone.MENU())],
        ],
    )


@for_child
async def confirm(
    update: Update, context: BotContext, args: ConsentChoices, profile: Profile, child: Student
) -> None:
    services = context.services
    states = await services.consents.all_states(actor(profile), child.id)
    wanted = _parse(args.choices or "", states)
    key = args.key or new_key()
    result = await services.consents.change(
        actor(profile),
        child.id,
        _changes(wanted, states),
        idempotency_key=case_key(profile, key),
    )
    school = services.school_by_id[child.school_id]
    after = await services.consents.all_states(actor(profile), child.id)
    language = current_language()
    user = profile.telegram_user_id
    lines = [_("<b>Saved.</b> Photo consent for {child} now:").format(child=esc(child.first_name))]
    details = result.case.details if result.case is not None else {}
    for purpose, state in zip(school.consent_purposes, after, strict=True):
        allowed = consent_now_label(purpose, state.effective)
        withdrew = result.changes.get(purpose.key) is False and consent_withdrawn(
            details, purpose.key
        )
        lines.append(f"• {esc(purpose.label.get(language))}: {allowed} ({_why(state, withdrew)})")
    if result.case is not None:
        was_allowed = result.case.details.get("effective_before", {})
        lines += _stopping_lines(school, was_allowed, result.changes, child.first_name)
    if result.case is not None:
        lines += [
            "",
            _(
                "This change is in effect now; the teacher has been asked to act on it "
                "(change {number}, under My requests)."
            ).format(number=esc(result.case.number)),
        ]
    await show(
        update,
        context,
        "\n".join(lines),
        [[context.button(user, _("« Back to the menu"), Everyone.MENU())]],
    )
