"""Every message template of the domain (and the handlers' shared text pieces), rendered with
hostile names in both languages, is valid Telegram HTML (the emulator's check, a port of
Telegram's own parser) that shows each name literally as text.

The end-to-end test tests/e2e/test_hostile_names.py drives the same names through the running
bot (screens, queues, reminders, digests, reports); this one covers each template's every
name-carrying argument, and fails when a new template is added without being listed here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from types import ModuleType

import pytest

from bot.domain.model import Case, CaseEvent, Change, Kind, RefusalReason, Refused, Role, Status
from bot.domain.texts import for_parents, for_staff, labels
from bot.emulator import parse_html
from bot.i18n import use_language
from bot.jobs import report
from bot.schools.config import SchoolConfig, load_schools
from handlers.staff.common import refusal_text
from handlers.texts import child_line, group_label
from storage.chat_links import ChatOwner
from storage.people import Student
from tests.support import SCHOOL_TOML

LINK = '<a href="https://x">x</a>'
AMP = "Jansen & Zn &amp; Co"
TAG = "<Zoon>"
RTL = "Sanne\u202eennaS"
LONG = "L" + "é" * 196 + "<&>"
HOSTILE = [LINK, AMP, TAG, RTL, LONG]

# Templates that take no name, free text or stored value: nothing hostile can reach them.
WITHOUT_NAMES = {
    "for_parents.document_caption",
    "for_parents.lifted_line",
    "for_parents.controller_line",  # the config's controller, escaped
    "for_parents.recipient_lines",  # the config's recipients, escaped
    "for_parents.good_to_know_lines",
    "for_parents.rights_lines",  # the school's contact, checked with the config below
    "labels.when",
    "for_staff.not_a_school_day_note",  # a holiday name from the config, escaped
    "for_staff.open_case_button",  # a button label: plain text, not HTML
    "for_staff.consent_task_lines",  # part of new_case_alert (consent)
    "for_staff.exchange_task_line",  # part of consent_task_lines, given escaped HTML
    "for_parents.consent_now_label",  # a word or two, no name
    "for_staff.undeliverable_notice",
    "for_staff.correction_note",
    "for_staff.delivery_line",  # an address from the roster, escaped
    "for_parents.delivery_label",  # an address from the roster, escaped
    "labels.kind_label",
    "labels.role_label",
    "labels.parent_status_label",
    "labels.parent_kind_label",
    "labels.parent_event_label",
    "labels.status_label",
    "labels.event_label",
    "labels.change_label",
    "labels.consent_change_label",  # a recipient's name from the config, escaped
    "labels.outcome_label",
    "labels.about_line",  # category labels from the config, checked via the alerts
    "labels.ground_name",  # a button label from the config: plain text, not HTML
    "for_parents.basis_sentence",  # the config's law, escaped
    "for_parents.ground_text",  # the config's ground, escaped
    "for_parents.ground_line",
    "for_parents.kept_lines",  # category labels and grounds from the config
}


def _school() -> SchoolConfig:
    return next(iter(load_schools(SCHOOL_TOML).values()))


def _student(name: str) -> Student:
    return Student(1, 1, "L1", name, name, "mac", 3, "3", None)


def _case(kind: Kind, text: str | None = None, details: dict[str, object] | None = None) -> Case:
    return Case(
        id=1,
        school_id=1,
        number="2026-0042",
        kind=kind,
        status=Status.IN_PROGRESS,
        student_id=1,
        guardian_id=1,
        received_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        due_on=date(2026, 12, 2),
        extended_due_on=None,
        assignee_role=Role.TEACHER,
        assignee_staff_id=1,
        details=details or {},
        text=text,
    )


CONSENT: dict[str, object] = {
    "changes": {"website": False, "newsletter": True, "school_photographer": False},
    "effective": {"website": False, "newsletter": True, "school_photographer": False},
    "effective_before": {"website": True, "newsletter": False, "school_photographer": True},
}


def _renders(name: str, school: SchoolConfig) -> dict[str, Callable[[], str]]:
    """Each template with ``name`` in every argument that carries a name or stored text."""
    student = _student(name)
    access = _case(Kind.ACCESS, text=name)
    moment = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    renders: dict[str, Callable[[], str]] = {
        "for_parents.taken_notice": lambda: for_parents.taken_notice(access, name),
        "for_parents.extended_notice": lambda: for_parents.extended_notice(
            access, date(2027, 1, 2), name
        ),
        "for_parents.resolved_notice": lambda: for_parents.resolved_notice(
            access, "answered", name, 2, [], school
        ),
        "for_parents.rejected_notice": lambda: for_parents.rejected_notice(
            access, name, name, school
        ),
        "for_parents.lift_notice": lambda: for_parents.lift_notice(
            access, date(2026, 12, 9), name, school
        ),
        "for_parents.recipients_informed_notice": lambda: for_parents.recipients_informed_notice(
            access, [name, name]
        ),
        "for_staff.assigned_notice": lambda: for_staff.assigned_notice(access, name, name),
        "for_staff.request_about": lambda: for_staff.request_about(
            "2026-0001", "access", name, name
        ),
        "for_staff.reminder_text": lambda: for_staff.reminder_text(
            for_staff.request_about("2026-0001", "access", name, name),
            "2026-0001",
            date(2026, 12, 2),
            date(2026, 11, 30),
            overdue=False,
            last_school_day=True,
        ),
        "for_staff.overdue_summary": lambda: for_staff.overdue_summary(
            [(for_staff.request_about("2026-0001", "access", name, name), date(2026, 12, 2), name)]
        ),
        "for_staff.handed_over_notice": lambda: for_staff.handed_over_notice(
            "2026-0001", Kind.ACCESS, name, date(2026, 12, 2), "removed"
        ),
        "for_staff.undeliverable_notice": lambda: for_staff.undeliverable_notice(
            "2026-0001", ChatOwner(frozenset({1}), frozenset()), False, [name]
        ),
        "for_staff.case_withdrawn_notice": lambda: for_staff.case_withdrawn_notice(
            access, student
        ),
        "for_parents.consent_changed_notice": lambda: for_parents.consent_changed_notice(
            student, {"website": False}, {"website": False}, school
        ),
        "refusal_text": lambda: refusal_text(
            Refused(
                RefusalReason.NOT_POSSIBLE,
                case=access,
                last=Change(CaseEvent.TAKEN, Role.TEACHER, name, moment),
            ),
            school,
        ),
        "child_line": lambda: child_line(student),
        "group_label": lambda: group_label(name),
        "report.render": lambda: report.render(
            [report.SchoolCounts(name)], date(2026, 10, 26), date(2026, 11, 1)
        ),
    }
    for kind in Kind:
        case = _case(kind, text=name, details=CONSENT if kind == Kind.CONSENT else None)
        renders[f"for_staff.new_case_alert:{kind.value}"] = (
            lambda case=case: for_staff.new_case_alert(case, student, school)  # type: ignore[misc]
        )
    return renders


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", HOSTILE, ids=["link", "amp", "tag", "rtl", "long"])
def test_every_template_shows_a_hostile_name_as_text(language: str, name: str) -> None:
    school = _school()
    with use_language("en" if language == "en" else "nl"):
        for template, render in _renders(name, school).items():
            html = render()
            parsed = parse_html(html)  # raises HtmlParseError like Telegram refuses the message
            assert name in parsed.text, (template, parsed.text)
            kinds = {e["type"] for e in parsed.entities}
            assert "text_link" not in kinds, template


def _public_functions(module: ModuleType) -> set[str]:
    short = module.__name__.rsplit(".", 1)[-1]
    return {
        f"{short}.{name}"
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and value.__module__ == module.__name__
    }


def test_no_template_is_left_out() -> None:
    """A new template in these modules must be rendered above (or named as taking no name)."""
    listed = {key.split(":")[0] for key in _renders("x", _school())} | WITHOUT_NAMES
    for module in (for_parents, for_staff, labels):
        missing = _public_functions(module) - listed
        assert not missing, f"render these with hostile names: {sorted(missing)}"
