"""How case kinds, statuses and timeline events read, in the current language."""

from __future__ import annotations

from bot.i18n import _


def kind_label(kind: str) -> str:
    match kind:
        case "access":
            return _("copy of the dossier")
        case "rectification":
            return _("correction")
        case "erasure":
            return _("deletion")
        case "consent":
            return _("photo consent")
    return kind


def status_label(status: str) -> str:
    match status:
        case "submitted":
            return _("received")
        case "in_progress":
            return _("being handled")
        case "resolved":
            return _("done")
        case "rejected":
            return _("refused")
        case "withdrawn":
            return _("withdrawn")
    return status


def event_label(event: str) -> str:
    match event:
        case "submitted":
            return _("request received")
        case "withdrawn":
            return _("withdrawn by the parent")
    return event
