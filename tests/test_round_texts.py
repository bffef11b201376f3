"""Every text of consent rounds and photo checks, rendered with hostile names (a child, a
guardian, a group, the school's own message) in both languages, is valid Telegram HTML
that shows each name literally; a new template in these modules must be listed here."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from types import ModuleType

import pytest

from bot.domain.consent import LedgerLine, PurposeState
from bot.domain.consent_lists import Appearance
from bot.domain.photo_checks import CheckedChild, PhotoCheck
from bot.domain.rounds.audience import Reach
from bot.domain.rounds.model import (
    Audience,
    DraftProblem,
    Problem,
    Question,
    Refusal,
    Round,
    RoundDraft,
    RoundRefused,
    RoundStatus,
)
from bot.domain.rounds.views import PaperItem, RoundLine, build_view
from bot.domain.texts import (
    for_parents_rounds,
    for_staff_photo_checks,
    for_staff_round_drafts,
    for_staff_rounds,
)
from bot.emulator import parse_html
from bot.i18n import use_language
from bot.markup import TELEGRAM_LIMIT, esc
from bot.outbox import Button, Keyboard, NoticeAction
from bot.schools.config import SchoolConfig, load_school
from storage.people import Student
from storage.rounds import GroupCounts, Progress
from tests.support import SCHOOL_TOML

HOSTILE = [
    '<a href="https://x">x</a>',
    "Jansen & Zn &amp; Co",
    "<Zoon>",
    "Sanne\u202eennaS",
    "L" + "é" * 196 + "<&>",
]
WITHOUT_NAMES = {
    "for_parents_rounds.answer_label",
    "for_parents_rounds.purpose_lines",  # the school's config
    "for_parents_rounds.question_keyboard",  # button labels: plain text, no HTML
    "for_staff_rounds.round_title",  # purposes from the config
    "for_staff_rounds.reach_label",  # a CSV cell: plain text
    "for_staff_rounds.answered_via_label",  # a CSV cell: plain text
    "for_staff_photo_checks.purpose_label",
    "for_staff_round_drafts.audience_label",
    "for_staff_round_drafts.language_name",
    "for_staff_round_drafts.message_prompt",
    "for_staff_round_drafts.date_prompt",
    "for_staff_round_drafts.typed_example",  # plain text, a date
    "for_staff_round_drafts.unreadable_date",
    "for_staff_round_drafts.draft_gone",
    "for_staff_round_drafts.draft_dropped",
    "for_staff_round_drafts.sample_note",
    "for_staff_rounds.round_button_label",  # a button label: plain text
    "for_staff_rounds.not_for_rounds",
    "for_staff_rounds.close_question",
    "for_staff_rounds.cancel_question",
    "for_staff_rounds.ended_line",
    "for_staff_rounds.csv_caption",
}
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _school() -> SchoolConfig:
    return load_school(SCHOOL_TOML)


def _round(message: str | None = None) -> Round:
    return Round(
        id=1,
        school_id=1,
        number=3,
        purposes=("website", "school_photographer"),
        audience=Audience.EVERYONE,
        started_by=1,
        started_at=AT,
        closes_on=date(2026, 11, 16),
        closes_at=datetime(2026, 11, 16, 23, 0, tzinfo=UTC),
        status=RoundStatus.OPEN,
        message={"nl": message, "en": message} if message else None,
    )


def _renders(name: str) -> dict[str, Callable[[], str]]:
    school = _school()
    student = Student(1, 1, "L1", name, name, "mac", 3, name, None)
    round_ = _round(name)
    purposes = tuple(p for p in school.consent_purposes if p.key in round_.purposes)
    question = Question(7, round_, school, student, purposes, (True, None), AT, None)
    states = [
        PurposeState("website", True, False, True),
        PurposeState("newsletter", None, False, False),
    ]
    view = build_view(
        round_,
        school,
        Progress(2, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0),
        [GroupCounts(3, name, 2, 1, ((1, 0, 0, 1), (0, 0, 1, 1)))],
        [PaperItem(name, name, name, Reach.BLOCKED, False)],
    )
    overlap = DraftProblem(Problem.OVERLAPS, 1, "website", open_round=round_)
    named_school = school.model_copy(update={"name": name})
    ended = replace(round_, status=RoundStatus.CANCELLED, ended_at=AT)
    name_html = esc(name)  # a line of HTML with the name in it, as the screens pass one
    return {
        "for_parents_rounds.question_text": lambda: for_parents_rounds.question_text(question),
        "for_parents_rounds.reminder_text": lambda: for_parents_rounds.reminder_text(question, AT),
        "for_parents_rounds.answered_text": lambda: for_parents_rounds.answered_text(
            student, school, purposes, {"website": True}, states, name
        ),
        "for_parents_rounds.refusal_text": lambda: "\n".join(
            for_parents_rounds.refusal_text(
                RoundRefused(reason, round=round_, answered_at=AT), school, student
            )
            for reason in Refusal
        ),
        "for_parents_rounds.ledger_text": lambda: for_parents_rounds.ledger_text(
            [
                LedgerLine(AT, "website", True, True, "round", 3),
                LedgerLine(AT, "website", False, False, "paper", None, name),
                LedgerLine(AT, "school_photographer", None, False, "ended"),
            ],
            school,
            student,
        ),
        "for_parents_rounds.exchanges_heading": lambda: "\n".join(
            for_parents_rounds.exchanges_heading(name)
        ),
        "for_parents_rounds.exchange_lines": lambda: "\n".join(
            line
            for state in (states[0], PurposeState("school_photographer", None, False, False))
            for line in for_parents_rounds.exchange_lines(
                school.exchange_purposes[0], state, "✅", "given", name
            )
        ),
        "for_staff_rounds.round_screen": lambda: for_staff_rounds.round_screen(view),
        "for_staff_rounds.round_summary": lambda: for_staff_rounds.round_summary(view),
        # Numbers and the school's config only, no names: that they are valid is checked.
        "-for_staff_rounds.digest_lines": lambda: "\n".join(
            for_staff_rounds.digest_lines([(round_, 10, 4)], school)
        ),
        "-for_staff_rounds.response_line": lambda: for_staff_rounds.response_line(round_, 27, 21),
        "-for_staff_rounds.officer_lines": lambda: for_staff_rounds.officer_lines(
            [(school, [view])]
        ),
        "-for_staff_rounds.problem_line": lambda: "\n".join(
            [
                for_staff_rounds.problem_line(
                    DraftProblem(p, 1, "website", open_round=round_), {1: school}
                )
                for p in Problem
            ]
            + [for_staff_rounds.problem_line(overlap, {1: school, 2: school})]
        ),
        "-for_staff_rounds.preview_text": lambda: for_staff_rounds.preview_text(
            [(school, 3, 12, 4, 12, 11, 1)]
        ),
        "for_staff_rounds.rounds_list_text": lambda: for_staff_rounds.rounds_list_text(
            [(named_school, [RoundLine(round_, 12, 5), RoundLine(ended, 3, 3)])] * 2
        ),
        "-for_staff_rounds.staff_refusal_line": lambda: "\n".join(
            for_staff_rounds.staff_refusal_line(refused, named_school)
            for refused in (
                RoundRefused(Refusal.NOT_OPEN, round=ended),
                RoundRefused(Refusal.NOT_OPEN, round=replace(ended, status=RoundStatus.CLOSED)),
                RoundRefused(Refusal.NOT_YOURS, round=round_),
                RoundRefused(Refusal.NOT_YOURS),
            )
        ),
        "for_staff_round_drafts.draft_text": lambda: for_staff_round_drafts.draft_text(
            RoundDraft((1, 2), ("website",), Audience.EVERYONE, date(2026, 11, 16), name),
            {1: named_school, 2: school},
            date(2026, 11, 2),
            [name_html],
        ),
        "for_staff_round_drafts.keyboard_lines": lambda: "\n".join(
            for_staff_round_drafts.keyboard_lines(
                Keyboard(
                    ((Button(name, NoticeAction.ROUND_SEND, (1, 0)),),),
                    Button(name, NoticeAction.ROUND_QUESTION, (1,)),
                )
            )
        ),
        "for_staff_round_drafts.start_question": lambda: for_staff_round_drafts.start_question(
            [(named_school, 3)], [name_html]
        ),
        "-for_staff_round_drafts.start_question_at_schools": lambda: (
            for_staff_round_drafts.start_question([(named_school, 3), (school, 1)], [])
        ),
        "for_staff_round_drafts.started_text": lambda: for_staff_round_drafts.started_text(
            [round_], {1: named_school}
        ),
        "for_staff_round_drafts.refused_message": lambda: for_staff_round_drafts.refused_message(
            name_html
        ),
        "for_staff_round_drafts.refused_date": lambda: for_staff_round_drafts.refused_date(
            name_html, date(2026, 11, 16)
        ),
        "for_staff_photo_checks.photo_check_verdict": lambda: "\n".join(
            for_staff_photo_checks.photo_check_verdict(
                PhotoCheck(1, school, school.photo_purposes[0], AT, children)
            )
            for children in (
                (CheckedChild(student, Appearance.ALLOWED),),
                (
                    CheckedChild(student, Appearance.DISAGREE),
                    CheckedChild(student, Appearance.ALLOWED),
                ),
            )
        ),
        "for_staff_photo_checks.photo_check_withdrawal_notice": lambda: (
            for_staff_photo_checks.photo_check_withdrawal_notice(
                [(AT, "website", 14)], student, school
            )
        ),
    }


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", HOSTILE, ids=["link", "amp", "tag", "rtl", "long"])
def test_every_round_text_shows_a_hostile_name_as_text(language: str, name: str) -> None:
    with use_language(language):
        for template, render in _renders(name).items():
            parsed = parse_html(render())  # raises as Telegram refuses the message
            assert template.startswith("-") or name in parsed.text, template
            assert "text_link" not in {e["type"] for e in parsed.entities}, template


def test_the_question_fits_one_message_with_every_purpose() -> None:
    school = _school()
    student = Student(1, 1, "L1", "Zoë", "de Jong", "mac", 3, "3", None)
    keys = tuple(p.key for p in school.consent_purposes)
    round_ = replace(_round("x" * 500), purposes=keys)
    question = Question(
        7, round_, school, student, school.consent_purposes, (None,) * len(keys), AT, None
    )
    for language in ("nl", "en"):
        with use_language(language):
            assert (
                len(parse_html(for_parents_rounds.question_text(question)).text) < TELEGRAM_LIMIT
            )


def _public(module: ModuleType) -> set[str]:
    short = module.__name__.rsplit(".", 1)[-1]
    return {
        f"{short}.{name}"
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and value.__module__ == module.__name__
    }


def test_no_round_template_is_left_out() -> None:
    listed = {key.lstrip("-") for key in _renders("x")} | WITHOUT_NAMES
    for module in (
        for_parents_rounds,
        for_staff_rounds,
        for_staff_photo_checks,
        for_staff_round_drafts,
    ):
        missing = _public(module) - listed
        assert not missing, f"render these with hostile names: {sorted(missing)}"
