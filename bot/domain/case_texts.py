"""How case kinds, statuses and timeline events read, in the current language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.case_details import category_keys
from bot.i18n import _, current_language
from bot.markup import esc
from bot.schools.config import SchoolConfig


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
        case "restriction":
            return _("restriction of use")
        case "objection":
            return _("objection")
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


def about_line(school: SchoolConfig, details: Mapping[str, Any]) -> str | None:
    """'About: Absence, Religion' for a correction or deletion; None for other requests."""
    language = current_language()
    labels = [c.label.get(language) for k in category_keys(details) if (c := school.category(k))]
    if not labels:
        return None
    return _("About: {categories}").format(categories=esc(", ".join(labels)))
