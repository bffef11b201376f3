"""'What the school records': the register as the law (AVG art. 15) asks it be told, at once,
and a request for the copy of the dossier, which holds the child's own data."""

from __future__ import annotations

from telegram import Update

from bot.domain.accounts import Profile
from bot.domain.dossier_copy import DELIVERY, Delivery
from bot.domain.model import Kind, Refused
from bot.domain.texts.for_parents import (
    controller_line,
    delivery_label,
    good_to_know_lines,
    recipient_lines,
)
from bot.domain.texts.labels import parent_kind_label, parent_status_label
from bot.i18n import LANGUAGE_NAMES, _, current_language, format_date
from bot.schools.config import SchoolConfig
from handlers.buttons import CopySending, CopyVia, Everyone, ForChild, Parent
from handlers.context import BotContext
from handlers.messages import show
from handlers.parent.common import actor, case_key, for_child, new_key, submitted_text
from handlers.render import esc
from storage import accounts
from storage.db import from_db
from storage.people import Student, guardian, guardians_of


def _shared_with(recipients: list[str]) -> str:
    return ", ".join(recipients) if recipients else _("nobody outside the school")


def _photos_shared(school: SchoolConfig) -> str:
    """Photos go where parents consented, some of it public: never 'nobody'."""
    language = current_language()
    purposes = ", ".join(esc(p.label.get(language)) for p in school.photo_purposes)
    return _(
        "only with your consent, for the purposes you chose under Photo consent: "
        "{purposes}. Some of these are public: anyone can see those photos."
    ).format(purposes=purposes)


def register_overview(school: SchoolConfig, child: Student) -> list[str]:
    language = current_language()
    lines = [
        _("<b>What {school} records</b>").format(school=esc(school.name)),
        _(
            "This is what the school records about its pupils, including {child}: what, why, "
            "from where, for how long and who else receives it. The data about {child} itself "
            "is in the copy of the dossier, which you can ask for below."
        ).format(child=esc(child.first_name)),
        controller_line(school),
    ]
    for category in school.categories:
        recipients = [
            esc(r.name.get(language))
            for key in category.recipients
            if (r := school.recipient(key)) is not None
        ]
        lines += [
            "",
            f"<b>{esc(category.label.get(language))}</b>",
            _("What: {examples}").format(examples=esc(category.examples.get(language))),
            _("Why: {purpose}").format(purpose=esc(category.purpose.get(language))),
            _("From: {source}").format(source=esc(category.source.get(language))),
            _("Kept: {retention}").format(retention=esc(category.retention.get(language))),
            _("Shared with: {recipients}").format(
                recipients=_photos_shared(school)
                if category.photo_consent
                else _shared_with(recipients)
            ),
        ]
        if category.voluntary:
            lines.append(_("Voluntary: you decide; deleting it is never refused."))
    if school.recipients:
        lines += ["", _("<b>Who else receives data, and on what basis</b>")]
        lines += recipient_lines(school)
    lines += [
        "",
        _("<b>Your rights</b>"),
        _(
            "You may have wrong data corrected ({correct}), have data deleted that is no "
            "longer needed ({delete}), ask the school to restrict its use, for example while "
            "something is being checked ({restrict}), and object to its use because of your "
            "situation ({object}). Each is a button in /menu."
        ).format(
            correct=_("Correct data"),
            delete=_("Delete data"),
            restrict=_("Restrict use"),
            object=_("Object"),
        ),
        _(
            "If you disagree with how the school handles this, you can complain to the "
            "Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl)."
        ),
    ]
    return lines


async def bot_holdings(
    context: BotContext, profile: Profile, child: Student, school: SchoolConfig
) -> list[str]:
    """Everything Privacyloket itself holds about this parent and this child."""
    services = context.services
    language = current_language()
    links = await accounts.links(services.db.reader, profile.telegram_user_id)
    since = min(link.linked_at for link in links)

    states = await services.consents.all_states(actor(profile), child.id)
    own = []
    for state in states:
        purpose = school.consent_purpose(state.key)
        label = esc(purpose.label.get(language)) if purpose else state.key
        choice = (
            _("given")
            if state.own
            else _("not given")
            if state.own is False
            else _("not answered")
        )
        own.append(f"{label}: {choice}")
    cases = [
        c for c in await services.cases.visible_to(actor(profile)) if c.student_id == child.id
    ]
    lines = [
        "",
        _("<b>What Privacyloket itself holds</b>"),
        _(
            "From the school's roster: your name, your e-mail address if the school has it, "
            "{child}'s name and group, and the date of birth only as a code that cannot be "
            "turned back into the date."
        ).format(child=esc(child.first_name)),
        _("This Telegram account: linked since {date}; language: {language}.").format(
            date=format_date(from_db(since).astimezone(school.tz).date()),
            language=LANGUAGE_NAMES[profile.language],
        ),
        _("Your photo consent for {child}: {choices}.").format(
            child=esc(child.first_name), choices="; ".join(own)
        ),
    ]
    if cases:
        lines.append(
            _("Your requests and changes about {child}:").format(child=esc(child.first_name))
        )
        lines += [
            f"• {esc(c.number)}: {parent_kind_label(c.kind)}, "
            + parent_status_label(c.kind, c.status)
            for c in cases
        ]
    else:
        lines.append(
            _("You have made no requests about {child}.").format(child=esc(child.first_name))
        )
    return lines


@for_child
async def overview(
    update: Update, context: BotContext, args: ForChild, profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    lines = register_overview(school, child)
    lines += await bot_holdings(context, profile, child, school)
    lines += ["", *good_to_know_lines(school)]
    lines += [
        "",
        _(
            "Would you also like a copy of the data itself (the dossier from {system})? You "
            "can ask for it here. The school answers within one month: with the copy, or with "
            "the reasons why it cannot give it."
        ).format(system=esc(school.administration_system)),
    ]
    user = profile.telegram_user_id
    await show(
        update,
        context,
        "\n".join(lines),
        [
            [
                context.button(
                    user, _("Request a copy of the dossier"), Parent.ACCESS_COPY(child.id)
                )
            ],
            [context.button(user, _("« Back to the menu"), Everyone.MENU())],
        ],
    )


def _asked(school: SchoolConfig, child: Student) -> str:
    return (
        _("<b>Request a copy of the dossier</b>")
        + "\n\n"
        + _(
            "You ask {school} for a copy of the data about {child} in {system}. The school "
            "answers within one month: with the copy, or with the reasons why it cannot give "
            "it."
        ).format(
            school=esc(school.name),
            child=esc(child.first_name),
            system=esc(school.administration_system),
        )
    )


async def _email(context: BotContext, profile: Profile, child: Student) -> str:
    """The address the school has for this parent of ``child`` ("" when none)."""
    linked = await guardians_of(context.services.db.reader, child.id)
    for guardian_id in sorted(set(profile.guardian_ids) & set(linked)):
        found = await guardian(context.services.db.reader, guardian_id)
        if found is not None and found.email:
            return found.email
    return ""


@for_child
async def choose_delivery(
    update: Update, context: BotContext, args: ForChild, profile: Profile, child: Student
) -> None:
    """Before the request: how the parent receives the copy, since bot chats are not
    end-to-end encrypted."""
    school = context.services.school_by_id[child.school_id]
    user = profile.telegram_user_id
    email = await _email(context, profile, child)
    lines = [
        _asked(school, child),
        "",
        _(
            "How would you like to receive it? In this chat it comes through Telegram, and "
            "chats with a bot are not end-to-end encrypted: Telegram can read them on its "
            "servers. You can also collect the copy at the school, or receive it by e-mail "
            "from the school."
        ),
    ]
    rows = [
        [context.button(user, _("In this chat"), Parent.ACCESS_COPY_VIA(child.id, "bot"))],
        [context.button(user, _("Collect at school"), Parent.ACCESS_COPY_VIA(child.id, "school"))],
    ]
    if email:
        rows.append(
            [
                context.button(
                    user, _("By e-mail from the school"), Parent.ACCESS_COPY_VIA(child.id, "email")
                )
            ]
        )
    else:
        lines.append(
            _(
                "The school has no e-mail address for you, so e-mail is not offered; the "
                "school can add one to its records."
            )
        )
    rows.append([context.button(user, _("Cancel"), Everyone.MENU())])
    await show(update, context, "\n".join(lines), rows)


@for_child
async def confirm_request(
    update: Update, context: BotContext, args: CopyVia, profile: Profile, child: Student
) -> None:
    school = context.services.school_by_id[child.school_id]
    user = profile.telegram_user_id
    email = await _email(context, profile, child)
    try:
        delivery = Delivery(args.delivery)
    except ValueError:
        delivery = None
    if delivery is None or (delivery == Delivery.EMAIL and not email):
        await choose_delivery(update, context, ForChild(child.id))
        return
    await show(
        update,
        context,
        _asked(school, child)
        + "\n\n"
        + _("How you receive it: {how}.").format(how=delivery_label(delivery, email)),
        [
            [
                context.button(
                    user,
                    _("Send request"),
                    Parent.ACCESS_COPY_SEND(child.id, new_key(), delivery.value),
                )
            ],
            [context.button(user, _("« Another way"), Parent.ACCESS_COPY(child.id))],
            [context.button(user, _("Cancel"), Everyone.MENU())],
        ],
    )


@for_child
async def submit_request(
    update: Update, context: BotContext, args: CopySending, profile: Profile, child: Student
) -> None:
    key = args.key or new_key()
    try:
        delivery = Delivery(args.delivery or Delivery.BOT)
    except ValueError:
        delivery = Delivery.BOT
    try:
        case = await context.services.cases.submit(
            actor(profile),
            student_id=child.id,
            kind=Kind.ACCESS,
            details={"dossier_copy": True, DELIVERY: delivery.value},
            idempotency_key=case_key(profile, key),
        )
    except Refused:  # e-mail without an address (a forged button): choose again
        await choose_delivery(update, context, ForChild(child.id))
        return
    await show(update, context, *submitted_text(context, profile, case))
