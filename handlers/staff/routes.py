"""The staff buttons, by action (merged into handlers.router.ROUTES)."""

from __future__ import annotations

from handlers.parent.common import Screen
from handlers.staff import actions, screens

ROUTES: dict[str, Screen] = {
    "q": screens.queue_button,
    "cnt": screens.counts_button,
    "sc": screens.case_button,
    "st": actions.button("take"),
    "sn": actions.button("note"),
    "se": actions.button("extend"),
    "sem": actions.extend_months,
    "sesc": actions.button("escalate"),
    "sescok": actions.escalate_confirmed,
    "sa": actions.button("assign"),
    "saok": actions.assign_confirmed,
    "sj": actions.button("reject"),
    "sjg": actions.reject_ground,
    "sr": actions.button("resolve"),
    "sro": actions.resolve_outcome,
    "srk": actions.kept_toggled,
    "srkok": actions.kept_chosen,
    "srn": actions.no_message,
    "sok": actions.confirmed,
    "sx": actions.cancelled,
    "sat": actions.button("attach"),
    "sinf": actions.informed,
}
