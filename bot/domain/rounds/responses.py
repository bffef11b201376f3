"""How far a round has come, in a line: per group for a teacher's consent list (and per
child for the group's table), per round for the director's digest."""

from __future__ import annotations

from bot.domain.rounds import questions
from bot.domain.rounds.model import Round
from storage import rounds as rows
from storage.db import Connection


async def group_responses(
    conn: Connection, school_id: int, group_id: int
) -> list[tuple[Round, int, int]]:
    """For a teacher's list: per open round of the school, (round, children of the group
    it asks, of whom answered)."""
    found = []
    for row in await rows.open_rounds(conn, school_id):
        children, answered = await rows.answered_children(conn, row.id, group_id)
        if children:
            found.append((questions.round_of(row, None), children, answered))
    return found


async def open_round_lines(conn: Connection, school_id: int) -> list[tuple[Round, int, int]]:
    """For the director's digest: each open round with (requests, answered)."""
    found = []
    for row in await rows.open_rounds(conn, school_id):
        progress = await rows.progress(conn, row.id)
        found.append((questions.round_of(row, None), progress.requests, progress.answered))
    return found


async def group_answers(
    conn: Connection, school_id: int, group_id: int
) -> list[tuple[Round, dict[int, bool]]]:
    """For a group's table: per open round of the school that asks the group, per child it
    asks whether at least one guardian answered."""
    found = []
    for row in await rows.open_rounds(conn, school_id):
        answered = await rows.answered_students(conn, row.id, group_id)
        if answered:
            found.append((questions.round_of(row, None), answered))
    return found
