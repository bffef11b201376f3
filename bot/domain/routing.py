"""Where a case goes: the teacher of the child's group, else the director (DESIGN: Routing).

A staff member "can be reached" when a Telegram account is linked to them; a case is never
routed to someone the bot cannot tell.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.model import Kind
from storage import case_work, staff
from storage.db import Connection
from storage.people import Student

ROUTES: dict[Kind, str] = {
    Kind.ACCESS: "teacher",
    Kind.RECTIFICATION: "teacher",
    Kind.ERASURE: "director",
    Kind.CONSENT: "teacher",
    Kind.RESTRICTION: "director",
    Kind.OBJECTION: "director",
}


@dataclass(frozen=True, slots=True)
class Route:
    role: str
    assignee: int | None
    alerted: list[int]
    """Who is told of the new case: the group's teachers, or the school's directors."""


async def director_for(
    conn: Connection,
    school_id: int,
    *,
    excluding: Collection[int] = (),
    reachable_only: bool = False,
) -> int | None:
    """The director a case goes to: the first who can be reached, else (unless
    ``reachable_only``) the first at all; None when the school has none."""
    directors = [d for d in await staff.directors(conn, school_id) if d not in excluding]
    for director in directors:
        if await case_work.reachable(conn, director):
            return director
    if reachable_only or not directors:
        return None
    return directors[0]


async def route(conn: Connection, kind: Kind, student: Student) -> Route:
    """The group's teacher who can be reached, else the director."""
    if ROUTES[kind] == "teacher" and student.group_id is not None:
        teachers = await staff.teachers_of_group(conn, student.group_id)
        for teacher in teachers:
            if await case_work.reachable(conn, teacher):
                return Route("teacher", teacher, teachers)
    return Route(
        "director",
        await director_for(conn, student.school_id),
        await staff.directors(conn, student.school_id),
    )
