"""Where a case goes: the teacher of the child's group, else the director (DESIGN: Routing).

A staff member "can be reached" when a Telegram account is linked to them; a case is never
routed to someone the bot cannot tell.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.model import Kind, Role
from storage import staff
from storage.db import Connection
from storage.people import Student

ROUTES: dict[Kind, str] = {
    Kind.ACCESS: Role.TEACHER,
    Kind.RECTIFICATION: Role.TEACHER,
    Kind.ERASURE: Role.DIRECTOR,
    Kind.CONSENT: Role.TEACHER,
    Kind.RESTRICTION: Role.DIRECTOR,
    Kind.OBJECTION: Role.DIRECTOR,
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
        if await staff.reachable(conn, director):
            return director
    if reachable_only or not directors:
        return None
    return directors[0]


async def route(conn: Connection, kind: Kind, student: Student) -> Route:
    """The group's teacher who can be reached, else the director."""
    if ROUTES[kind] == Role.TEACHER and student.group_id is not None:
        teachers = await staff.teachers_of_group(conn, student.group_id)
        for teacher in teachers:
            if await staff.reachable(conn, teacher):
                return Route(Role.TEACHER, teacher, teachers)
    return Route(
        Role.DIRECTOR,
        await director_for(conn, student.school_id),
        await staff.directors(conn, student.school_id),
    )
