"""A withdrawal after a photo check: the teacher who checked hears of it.

A check that cleared a child for a purpose is the school's record that a photo could be
published. When that child's consent for the purpose stops applying (a parent withdrew
it), the teacher who checked is told, naming the check, so that they can take the photo
down where they can. A teacher who no longer uses the bot is replaced by the director.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import outbox
from bot.domain.texts.for_staff_photo_checks import photo_check_withdrawal_notice
from bot.i18n import language_or_default, use_language
from bot.schools.config import SchoolConfig
from bot.security.crypto import Cipher
from storage import accounts, photo_checks, staff
from storage.db import Connection, from_db
from storage.people import Student
from storage.photo_checks import CheckRow


async def tell_checkers_of_withdrawal(
    conn: Connection,
    cipher: Cipher,
    now: datetime,
    student: Student,
    purposes: Sequence[str],
    school: SchoolConfig,
) -> int:
    """Queue the notices for ``purposes`` that no longer apply to ``student``; how many."""
    by_staff: dict[int, list[CheckRow]] = {}
    for purpose in purposes:
        for check in await photo_checks.cleared(conn, student.id, purpose):
            by_staff.setdefault(check.staff_id, []).append(check)
    queued = 0
    for staff_id, checks in sorted(by_staff.items()):
        recipients = await accounts.recipients(conn, staff_ids=[staff_id])
        if not recipients:
            directors = await staff.directors(conn, student.school_id)
            recipients = await accounts.recipients(conn, staff_ids=directors)
        for recipient in recipients:
            with use_language(language_or_default(recipient.language)):
                text = photo_check_withdrawal_notice(
                    [(from_db(c.at), c.purpose, c.children) for c in checks], student, school
                )
            await outbox.enqueue(
                conn,
                cipher,
                now,
                chat_id=recipient.chat_id,
                text=text,
                school_id=student.school_id,
                staff_id=recipient.staff_id,
            )
            queued += 1
    return queued
