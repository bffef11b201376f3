"""Staff over a school year: who is on the staff, ending a member's access, changing a
teacher's groups, and a new code for a new phone.

A change takes effect at once on every path: a removed member loses their Telegram link
(so every command, old button and consent list refuses them), their groups and the notices
still waiting for them; their open cases, and the cases of a group a teacher no longer
teaches, go to whoever holds them now (the group's teacher who uses the bot, else a
director), each with a timeline entry, an audit event and a notice to the new holder.
A school always keeps one director.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot import outbox
from bot.clock import Clock
from bot.domain.model import CaseEvent, Kind, RefusalReason, Refused, Role, case_number
from bot.domain.routing import route
from bot.domain.staff_base import StaffActor
from bot.domain.texts.for_staff import handed_over_notice, open_case_button
from bot.schools.config import SchoolConfig
from bot.schools.groups import group_order
from bot.schools.invitations import expiry, issue_code
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.crypto import Cipher
from bot.security.keys import Keys
from storage import accounts, cases, invitations, people, schools, staff
from storage import outbox as outbox_rows
from storage.db import Connection, Database, from_db, to_db
from storage.staff import StaffMember

Actor = StaffActor | Literal["cli"]
"""Who changes the staff: the command line, or a director of the school in the bot."""


@dataclass(frozen=True, slots=True)
class StaffEntry:
    """A line of the staff list."""

    member: StaffMember
    linked: bool
    last_active: datetime | None
    open_cases: int


@dataclass(frozen=True, slots=True)
class Moved:
    """A case that went to someone else because of a staff change."""

    number: str
    to_name: str | None


class StaffMembership:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        cipher: Cipher,
        clock: Clock,
        schools_by_id: dict[int, SchoolConfig],
        bell: outbox.Bell,
    ) -> None:
        self._db, self._keys, self._cipher, self._clock = db, keys, cipher, clock
        self._schools = schools_by_id
        self._bell = bell

    async def entries(self, school_id: int) -> list[StaffEntry]:
        conn = self._db.reader
        open_cases = await cases.open_count_by_assignee(conn, school_id)
        found = []
        for member in await staff.active_at_school(conn, school_id):
            last = await staff.last_activity(conn, member.id)
            found.append(
                StaffEntry(
                    member,
                    await staff.reachable(conn, member.id),
                    from_db(last) if last else None,
                    open_cases.get(member.id, 0),
                )
            )
        return found

    async def member(self, school_id: int, staff_id: int) -> StaffMember | None:
        """An active member of this school, or None."""
        member = await staff.get(self._db.reader, staff_id)
        if member is None or member.school_id != school_id or not member.active:
            return None
        return member

    async def by_name(self, school_id: int, name: str) -> list[StaffMember]:
        return await staff.find_by_name(self._db.reader, school_id, name)

    async def groups(self, school_id: int) -> list[str]:
        """The school's groups with pupils, in the order a school lists them."""
        return sorted(await schools.group_names(self._db.reader, school_id), key=group_order)

    async def remove(self, school_id: int, staff_id: int, *, actor: Actor) -> list[Moved]:
        """End a member's access; their open cases move on. Refused for someone not (or no
        longer) on this school's staff, and for the school's last director."""
        now = self._clock.now()
        by = await self._actor(actor, school_id, "staff_remove")
        async with self._db.transaction() as conn:
            member = await self._active(conn, school_id, staff_id)
            if member.role == Role.DIRECTOR and len(await staff.directors(conn, school_id)) < 2:
                raise Refused(RefusalReason.LAST_DIRECTOR)
            await staff.remove(conn, staff_id, to_db(now))
            unlinked = await accounts.unlink_staff(conn, staff_id)
            revoked = await invitations.revoke_open_for_staff(conn, staff_id, to_db(now))
            dropped = await outbox_rows.drop_pending_for_staff(conn, staff_id)
            await self._audit(
                conn,
                by,
                AuditAction.STAFF_REMOVED,
                member,
                {"unlinked": len(unlinked), "codes_revoked": revoked, "notices_dropped": dropped},
            )
            moved = await self._move_cases(
                conn, await cases.open_assigned_to(conn, staff_id), "removed", by
            )
        self._bell.ring()
        return moved

    async def set_groups(
        self, school_id: int, staff_id: int, group_names: list[str], *, actor: Actor
    ) -> list[Moved]:
        """A teacher's groups from now on; cases of children in groups they no longer teach
        move to the groups' teachers (or a director). Refused for a name that is not a
        group of the school (INVALID) and for anyone but a teacher."""
        by = await self._actor(actor, school_id, "staff_groups")
        async with self._db.transaction() as conn:
            member = await self._active(conn, school_id, staff_id)
            found = await schools.group_ids(conn, school_id, group_names)
            if (
                member.role != Role.TEACHER
                or not group_names
                or len(found) < len(set(group_names))
            ):
                raise Refused(RefusalReason.INVALID)
            await staff.set_groups(conn, staff_id, sorted(set(found.values())))
            await self._audit(
                conn, by, AuditAction.STAFF_GROUPS_CHANGED, member, {"groups": sorted(found)}
            )
            keep = set(found.values())
            leaving = []
            for row in await cases.open_assigned_to(conn, staff_id):
                student = await people.student(conn, row.student_id)
                if row.assignee_role == Role.TEACHER and (
                    student is None or student.group_id not in keep
                ):
                    leaving.append(row)
            # A group this teacher now teaches may hold cases that waited on a director
            # because no teacher used the bot: they stay there; the director can assign them.
            moved = await self._move_cases(conn, leaving, "groups_changed", by)
        self._bell.ring()
        return moved

    async def new_code(
        self, school_id: int, staff_id: int, *, actor: Actor, days: int
    ) -> tuple[str, datetime]:
        """A new one-time code for a member (a new phone): their other open codes stop
        working, and redeeming it unlinks the account they used before. (code, valid until)"""
        now = self._clock.now()
        school = self._schools[school_id]
        expires = expiry(now, days, school.tz)
        by = await self._actor(actor, school_id, "staff_code")
        async with self._db.transaction() as conn:
            member = await self._active(conn, school_id, staff_id)
            await invitations.revoke_open_for_staff(conn, staff_id, to_db(now))
            code = await issue_code(
                conn,
                self._keys,
                now,
                school_id,
                expires,
                actor=by,
                staff_id=member.id,
                details={"staff": member.id, "role": member.role, "new_member": False},
            )
        return code, expires

    async def directed_schools(self, who: StaffActor) -> list[int]:
        """The schools this account is an active director of."""
        conn = self._db.reader
        found = []
        for link in await accounts.links(conn, who.telegram_user_id):
            member = await staff.get(conn, link.staff_id) if link.staff_id else None
            if member is not None and member.active and member.role == Role.DIRECTOR:
                found.append(member.school_id)
        return sorted(set(found))

    async def _actor(self, actor: Actor, school_id: int, what: str) -> str:
        """The audit actor: the command line, or a director of this school in the bot
        (anyone else is refused, and that is audited). Checked again by the change's own
        unit of work only through the member it changes; a director removed meanwhile
        was unlinked, so their taps are refused here."""
        if actor == "cli":
            return "cli"
        assert isinstance(actor, StaffActor)
        conn = self._db.reader
        for link in await accounts.links(conn, actor.telegram_user_id):
            member = await staff.get(conn, link.staff_id) if link.staff_id else None
            if (
                member is not None
                and member.active
                and member.role == Role.DIRECTOR
                and member.school_id == school_id
            ):
                return self._keys.pseudonym("tg", actor.telegram_user_id)
        await self._refused(actor, what)
        raise Refused(RefusalReason.NOT_ALLOWED)

    async def _refused(self, who: StaffActor, what: str) -> None:
        async with self._db.transaction() as conn:
            await audit.record(
                conn,
                self._keys.audit,
                self._clock.now(),
                actor=self._keys.pseudonym("tg", who.telegram_user_id),
                action=AuditAction.STAFF_REFUSED,
                details={"action": what, "reason": RefusalReason.NOT_ALLOWED.value},
            )

    async def _active(self, conn: Connection, school_id: int, staff_id: int) -> StaffMember:
        member = await staff.get(conn, staff_id)
        if member is None or member.school_id != school_id or not member.active:
            raise Refused(RefusalReason.NOT_ALLOWED)
        return member

    async def _move_cases(
        self, conn: Connection, rows: list[cases.CaseRow], reason: str, actor: str
    ) -> list[Moved]:
        now = self._clock.now()
        moved: list[Moved] = []
        for row in rows:
            student = await people.student(conn, row.student_id)
            assert student is not None
            routed = await route(conn, Kind(row.kind), student)
            number = case_number(row.year, row.seq)
            if routed.assignee is None or routed.assignee == row.assignee_staff_id:
                continue
            await cases.assign(conn, row.id, routed.role, routed.assignee)
            await cases.add_event(conn, row.id, to_db(now), Role.SYSTEM, CaseEvent.ASSIGNED)
            await audit.record(
                conn,
                self._keys.audit,
                now,
                actor=actor,
                action=AuditAction.CASE_ASSIGNED,
                school_id=row.school_id,
                subject=f"case:{row.id}",
                details={"to": routed.assignee, "reason": reason},
            )
            holder = await staff.get(conn, routed.assignee)
            moved.append(Moved(number, holder.name if holder else None))
            await self._tell_holder(conn, row, number, student.first_name, routed.assignee, reason)
        return moved

    async def _tell_holder(
        self,
        conn: Connection,
        row: cases.CaseRow,
        number: str,
        child: str,
        holder: int,
        reason: str,
    ) -> None:
        due = date.fromisoformat(row.extended_due_on or row.due_on)
        await outbox.enqueue_each(
            conn,
            self._cipher,
            self._clock.now(),
            await accounts.recipients(conn, staff_ids=[holder]),
            lambda: handed_over_notice(number, Kind(row.kind), child, due, reason),
            school_id=row.school_id,
            case_id=row.id,
            button=lambda: open_case_button(row.id, number),
        )

    async def _audit(
        self,
        conn: Connection,
        actor: str,
        action: AuditAction,
        member: StaffMember,
        details: dict[str, object],
    ) -> None:
        await audit.record(
            conn,
            self._keys.audit,
            self._clock.now(),
            actor=actor,
            action=action,
            school_id=member.school_id,
            subject=f"staff:{member.id}",
            details=details,
        )
