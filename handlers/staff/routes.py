"""The staff buttons, by action (merged into handlers.router.ROUTES)."""

from __future__ import annotations

from bot.domain.texts.for_staff import OPEN_CASE
from handlers.context import Screen
from handlers.staff import actions, answering, documents, screens

ROUTES: dict[str, Screen] = {
    "q": screens.queue_button,
    "cnt": screens.counts_button,
    "sc": screens.case_button,
    OPEN_CASE: screens.case_from_notice,
    "st": actions.button("take"),
    "sn": actions.button("note"),
    "se": actions.button("extend"),
    "sem": answering.extend_months,
    "sesc": actions.button("escalate"),
    "sescok": actions.escalate_confirmed,
    "sa": actions.button("assign"),
    "saok": actions.assign_confirmed,
    "sj": actions.button("reject"),
    "sjg": answering.reject_ground,
    "sr": actions.button("resolve"),
    "sro": answering.resolve_outcome,
    "srk": answering.kept_toggled,
    "srkok": answering.kept_chosen,
    "srn": answering.no_message,
    "sok": answering.confirmed,
    "sx": answering.cancelled,
    "sat": actions.button("attach"),
    "sinf": documents.informed,
}
