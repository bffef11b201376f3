"""What a guardian reads on a consent round's paper form, in their language: plain text
for print (no HTML), one page per child."""

from __future__ import annotations

from datetime import date

from bot.i18n import _, current_language, format_date
from bot.schools.config import ConsentPurpose, ExchangePurpose


def form_title(child: str) -> str:
    return _("Consent form for {child}").format(child=child)


def form_greeting(guardian: str) -> str:
    return _("Dear {name},").format(name=guardian)


def form_intro(school: str, child: str) -> str:
    return _(
        "{school} asks you, for each purpose below, whether you give consent for {child}. "
        "Tick Yes or No for each purpose. A purpose you leave open counts as no. You can "
        "change your choice at any time."
    ).format(school=school, child=child)


def purpose_details(purpose: ConsentPurpose) -> list[str]:
    """The school's own description of a purpose, as printed."""
    language = current_language()
    if not isinstance(purpose, ExchangePurpose):
        return [purpose.explanation.get(language)]
    lines = [
        _("Passed to: {organisation}").format(organisation=purpose.organisation.get(language)),
        _("Which data: {data}").format(data=purpose.data.get(language)),
        _("Why: {why}").format(why=purpose.why.get(language)),
    ]
    if purpose.valid_until is not None:
        lines.append(
            _("Until: {date} (after that, it ends by itself)").format(
                date=format_date(purpose.valid_until)
            )
        )
    return lines


def yes_no() -> tuple[str, str]:
    return _("Yes"), _("No")


def form_return(child: str, by: date) -> str:
    return _("Please give this form to the teacher of {child} by {date}.").format(
        child=child, date=format_date(by, "full")
    )


def signature_labels() -> tuple[str, str, str]:
    return _("Name of parent or guardian"), _("Date"), _("Signature")


def bot_hint_with_code(code: str, expires: date) -> list[str]:
    """For a guardian not linked to the bot: answer there instead, with a new code."""
    return [
        _("Rather answer in the bot?"),
        _(
            "Scan the QR code with the camera of your phone; Telegram opens Privacyloket. "
            "Enter this code when the bot asks for it:"
        ),
        code,
        _("The code works once, until {date}.").format(date=format_date(expires)),
    ]


def bot_hint_blocked(bot: str) -> list[str]:
    """For a guardian who blocked the bot: unblock it to answer there."""
    return [
        _("Rather answer in the bot?"),
        _(
            "Privacyloket could not reach you in Telegram: you may have blocked it. Scan the "
            "QR code (or search for @{bot}) and unblock it; you can then answer under Photo "
            "consent in /menu."
        ).format(bot=bot),
    ]
