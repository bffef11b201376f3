"""A round's table for the school office: one line per guardian and child, as a CSV file
that Excel with Dutch settings opens in columns (UTF-8 with a byte order mark, semicolons,
every cell that could start a formula shown as text).

Per line: the group, the child, the guardian, how the round reached them (in the bot, or
on paper: not linked or blocked), when and how they answered, and per purpose their own
answer now. No dates of birth, no codes.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.domain.consent_csv import SEPARATOR, safe_cell
from bot.domain.rounds.model import Round
from bot.domain.texts.for_parents_rounds import answer_label
from bot.domain.texts.for_staff_rounds import answered_via_label, reach_label
from bot.i18n import _, current_language, format_date
from bot.schools.config import SchoolConfig
from storage import consents
from storage import rounds as rows
from storage.db import Connection, from_db


async def round_csv(conn: Connection, round: Round, school: SchoolConfig) -> tuple[bytes, int]:
    """The round's table in the current language, and how many lines it has."""
    language = current_language()
    labels = [
        p.label.get(language) if (p := school.consent_purpose(key)) is not None else key
        for key in round.purposes
    ]
    own = await consents.own_answers_for_school(conn, round.school_id, round.purposes)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR)
    writer.writerow(
        [_("Group"), _("Pupil"), _("Parent or guardian"), _("Asked"), _("Answered"), *labels]
    )
    lines = 0
    for row in await rows.export_rows(conn, round.id):
        answered = ""
        if row.answered_at is not None:
            day = from_db(row.answered_at).astimezone(school.tz).date()
            answered = f"{format_date(day, 'short')} ({answered_via_label(row.answered_via)})"
        answers = own.get((row.student_id, row.guardian_id), {})
        writer.writerow(
            [
                safe_cell(row.group_name or ""),
                safe_cell(f"{row.first_name} {row.last_name}"),
                safe_cell(row.guardian_name),
                reach_label(
                    stopped=row.stopped, blocked=row.blocked, asked=row.asked, linked=row.linked
                ),
                answered,
                *[answer_label(answers.get(key)) for key in round.purposes],
            ]
        )
        lines += 1
    return out.getvalue().encode("utf-8-sig"), lines


def csv_filename(round: Round, today: date) -> str:
    return _("consent-round-{number}-{date}.csv").format(
        number=round.number, date=today.isoformat()
    )
