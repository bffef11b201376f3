"""How each vocabulary reads, in the current language: case kinds, statuses, timeline
events, outcomes and roles. One label function per vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.domain.case_details import category_keys, consent_withdrawn
from bot.domain.model import Change, Role
from bot.i18n import _, current_language, format_date
from bot.markup import esc
from bot.schools.config import STILL_NEEDED, SchoolConfig


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


def parent_kind_label(kind: str) -> str:
    """A case's kind as its parent reads it: a photo-consent change is a change that took
    effect at once, not a request."""
    return _("photo consent change") if kind == "consent" else kind_label(kind)


def parent_event_label(kind: str, event: str) -> str:
    """A timeline entry as the parent reads it: for a photo-consent change, the teacher's
    task is its follow-up."""
    if kind == "consent":
        match event:
            case "submitted":
                return _("change confirmed by you, in effect at once")
            case "taken":
                return _("the teacher's task taken on")
            case "resolved":
                return _("the teacher's task done")
    return event_label(event)


def parent_status_label(kind: str, status: str) -> str:
    """A request's status as its parent reads it: a photo-consent change is simply in
    effect, whatever the teacher's task is at."""
    return _("in effect") if kind == "consent" else status_label(status)


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
        case "taken":
            return _("taken on")
        case "extended":
            return _("answer date extended")
        case "resolved":
            return _("answered")
        case "rejected":
            return _("refused")
        case "recipient_informed":
            return _("informed of the change")
        case "recipient_not_applicable":
            return _("not applicable, did not receive this data")
        case "restriction_lifted":
            return _("lifting of the restriction announced")
        case "documents_received":
            return _("documents received")
        case "note_added":
            return _("internal note added")
        case "document_added":
            return _("document attached")
        case "escalated":
            return _("passed to the head teacher")
        case "assigned":
            return _("assigned to a colleague")
    return event


def change_label(change: Change, school: SchoolConfig) -> str:
    """A timeline entry's event, with the recipient it names (HTML): 'informed of the change:
    School attendance officer'."""
    label = event_label(change.event)
    recipient = school.recipient(change.subject) if change.subject else None
    if recipient is None:
        return label
    return f"{label}: {esc(recipient.name.get(current_language()))}"


def outcome_label(outcome: str, *, for_staff: bool = False) -> str:
    """How a case ended; ``for_staff`` as staff read it (the parent's statement, not
    "your statement")."""
    match outcome:
        case "answered":
            return _("answered")
        case "corrected":
            return _("corrected")
        case "statement_added":
            return _("parent's statement added") if for_staff else _("your statement added")
        case "erased":
            return _("deleted")
        case "partly_erased":
            return _("partly deleted")
        case "done":
            return _("processed")
        case "granted":
            return _("granted")
        case "rejected":
            return _("refused")
    return outcome


def about_line(school: SchoolConfig, details: Mapping[str, Any]) -> str | None:
    """'About: Absence, Religion' for a correction or deletion; None for other requests."""
    language = current_language()
    labels = [c.label.get(language) for k in category_keys(details) if (c := school.category(k))]
    if not labels:
        return None
    return _("About: {categories}").format(categories=esc(", ".join(labels)))


def ground_name(school: SchoolConfig, key: str) -> str:
    """A ground to keep data, short, for a staff member's button (plain text): 'Pupil file
    (school policy)'."""
    if key == STILL_NEEDED:
        return _("Still needed for the child's education")
    ground = school.retention_ground(key)
    if ground is None:
        return key
    name = ground.label.get(current_language()).split(":")[0]
    if ground.legal_duty:
        return _("{name} (legal duty, after leaving)").format(name=name)
    return _("{name} (school policy, after leaving)").format(name=name)


def consent_change_label(details: Mapping[str, Any], key: str) -> str:
    """One purpose of a photo-consent change: given, refused (a first answer) or withdrawn
    (consent given before)."""
    if details.get("changes", {}).get(key):
        return _("consent given")
    return _("consent withdrawn") if consent_withdrawn(details, key) else _("consent refused")


def role_label(role: str | None, *, definite: bool = False) -> str:
    """'head teacher', or with ``definite`` 'the head teacher' (as in "handled by ...")."""
    match role:
        case Role.DIRECTOR:
            return _("the head teacher") if definite else _("head teacher")
        case Role.PRIVACY_OFFICER:
            return _("the privacy officer") if definite else _("privacy officer")
        case Role.GUARDIAN:
            return _("the parent") if definite else _("parent")
        case Role.SYSTEM:
            return "Privacyloket"
    return _("the teacher") if definite else _("teacher")


def when(moment: datetime, school: SchoolConfig) -> str:
    """'2 November 2026 at 10:00' (in Dutch '2 november 2026 om 10.00 uur')."""
    local = moment.astimezone(school.tz)
    return _("{date} at {hour}:{minute}").format(
        date=format_date(local.date()), hour=f"{local:%H}", minute=f"{local:%M}"
    )
