"""A round's question and reminders as they are built and queued for one guardian.

Each goes through the outbox under a key made of the round, the kind (question, first or
second reminder) and the request (one guardian, one child), so queueing it again, after a
crash or a restart, does nothing: no guardian is asked twice about a child in a round.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from bot import outbox
from bot.domain.rounds.audience import Contact
from bot.domain.rounds.model import Audience, Question, Round, RoundStatus
from bot.domain.texts.for_parents_rounds import question_keyboard, question_text, reminder_text
from bot.i18n import language_or_default, use_language
from bot.schools.config import ConsentPurpose, SchoolConfig
from bot.security import contexts
from bot.security.crypto import Cipher
from storage import consents
from storage.db import Connection, from_db
from storage.people import Student
from storage.rounds import RequestRow, RoundRow

REMINDERS = (1, 2)


def question_key(round_id: int, request_id: int) -> str:
    return f"round:{round_id}:q:{request_id}"


def reminder_key(round_id: int, request_id: int, number: int) -> str:
    return f"round:{round_id}:r{number}:{request_id}"


def keys_of(round_id: int, request_id: int) -> list[str]:
    """Every message a request can have queued: to withdraw what has not gone out."""
    return [question_key(round_id, request_id)] + [
        reminder_key(round_id, request_id, n) for n in REMINDERS
    ]


def round_of(row: RoundRow, cipher: Cipher | None) -> Round:
    """The stored round; without the cipher, without the school's message."""
    message = None
    if row.message is not None and cipher is not None:
        message = json.loads(cipher.decrypt_text(row.message, contexts.round_message(row.id)))
    return Round(
        id=row.id,
        school_id=row.school_id,
        number=row.number,
        purposes=row.purposes,
        audience=Audience(row.audience),
        started_by=row.started_by,
        started_at=from_db(row.started_at),
        closes_on=date.fromisoformat(row.closes_on),
        closes_at=from_db(row.closes_at),
        status=RoundStatus(row.status),
        ended_at=from_db(row.ended_at) if row.ended_at else None,
        message=message,
    )


def answerable(round: Round, school: SchoolConfig, today: date) -> tuple[ConsentPurpose, ...]:
    """The round's purposes that can be answered today, in the round's order."""
    return tuple(
        purpose
        for key in round.purposes
        if (purpose := school.consent_purpose(key)) is not None and not purpose.ended(today)
    )


def question(
    request_id: int,
    round: Round,
    school: SchoolConfig,
    student: Student,
    own: dict[str, bool],
    today: date,
    *,
    asked_at: datetime | None = None,
    answered_at: datetime | None = None,
) -> Question:
    purposes = answerable(round, school, today)
    return Question(
        request_id=request_id,
        round=round,
        school=school,
        student=student,
        purposes=purposes,
        own=tuple(own.get(p.key) for p in purposes),
        asked_at=asked_at,
        answered_at=answered_at,
    )


async def own_answers(
    conn: Connection, student_id: int, guardian_id: int, purposes: Sequence[str]
) -> dict[str, bool]:
    return {
        c.purpose: c.granted
        for c in await consents.latest(conn, student_id)
        if c.guardian_id == guardian_id and c.purpose in purposes
    }


async def load(
    conn: Connection,
    request: RequestRow,
    round: Round,
    school: SchoolConfig,
    student: Student,
    today: date,
) -> Question:
    own = await own_answers(conn, request.student_id, request.guardian_id, round.purposes)
    return question(
        request.id,
        round,
        school,
        student,
        own,
        today,
        asked_at=from_db(request.asked_at) if request.asked_at else None,
        answered_at=from_db(request.answered_at)
        if request.answered_at and request.answered_via in ("round", "paper")
        else None,
    )


async def queue_question(
    conn: Connection, cipher: Cipher, now: datetime, question: Question, contact: Contact
) -> str:
    """Queue the question in the guardian's language; the reference of its first part."""
    assert contact.chat_id is not None
    with use_language(language_or_default(contact.language)):
        text = question_text(question)
        keyboard = question_keyboard(question)
    return await outbox.enqueue(
        conn,
        cipher,
        now,
        chat_id=contact.chat_id,
        text=text,
        school_id=question.round.school_id,
        key=question_key(question.round.id, question.request_id),
        keyboard=keyboard,
    )


async def queue_reminder(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    question: Question,
    contact: Contact,
    number: int,
) -> str:
    assert contact.chat_id is not None and question.asked_at is not None
    with use_language(language_or_default(contact.language)):
        text = reminder_text(question, question.asked_at)
        keyboard = question_keyboard(question)
    return await outbox.enqueue(
        conn,
        cipher,
        now,
        chat_id=contact.chat_id,
        text=text,
        school_id=question.round.school_id,
        key=reminder_key(question.round.id, question.request_id, number),
        keyboard=keyboard,
    )


def request_of_key(key: str | None) -> int | None:
    """The request a round's message is for, from its outbox key (a part's key too); None
    for any other message."""
    if key is None or not key.startswith("round:"):
        return None
    parts = key.split("#", 1)[0].split(":")
    if len(parts) != 4 or not (parts[2] == "q" or parts[2] in {f"r{n}" for n in REMINDERS}):
        return None
    return int(parts[3]) if parts[3].isdigit() else None
