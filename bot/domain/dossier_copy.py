"""The copy of the dossier (AVG art. 15(3)) and how the parent receives it.

Chats with a bot are not end-to-end encrypted, so before asking, the parent chooses: in the
bot, to collect at the school, or by e-mail from the school. Sent in the bot, the request
is answered with the copy itself: closing it without a document is a refusal, with the
reasons and the parent's rights. Collected or e-mailed, staff answer once it is ready or
sent, and the parent is told so.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from bot.domain.model import Case, Kind

DELIVERY = "delivery"
"""The key in an access case's details."""


class Delivery(StrEnum):
    BOT = "bot"
    SCHOOL = "school"
    EMAIL = "email"


def delivery_of(details: Mapping[str, Any]) -> Delivery:
    """How the parent receives the copy; in the bot for requests made before they chose."""
    try:
        return Delivery(details.get(DELIVERY, Delivery.BOT))
    except ValueError:
        return Delivery.BOT


def needs_document(case: Case) -> bool:
    """Whether answering ``case`` needs at least one document attached: a copy the parent
    receives in the bot."""
    return case.kind == Kind.ACCESS and delivery_of(case.details) == Delivery.BOT


def takes_documents(case: Case) -> bool:
    """Whether staff attach the copy to ``case`` (in the bot, not at school or by e-mail)."""
    return needs_document(case)
