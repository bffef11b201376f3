"""Verifying a Telegram account: an invitation code, and for guardians a child's date of birth.

Failed attempts back off per account (30 s, doubling, at most an hour); five wrong dates of
birth revoke the code. Results never say whether a code exists for someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.birthdates import parse_birth_date
from bot.clock import Clock
from bot.i18n import Language, is_language
from bot.security import audit, codes
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import (
    accounts,
    audit_events,
    invitations,
    login_backoff,
    outbox,
    people,
    schools,
    staff,
)
from storage.db import Connection, Database, from_db, to_db
from storage.invitations import Invitation
from storage.staff import StaffMember

MAX_BIRTH_DATE_FAILURES = 5
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class NotACode:
    """What was typed cannot be a code at all; costs nothing."""


@dataclass(frozen=True, slots=True)
class Blocked:
    until: datetime


@dataclass(frozen=True, slots=True)
class Rejected:
    """Unknown, used, revoked or expired: deliberately one answer for all of them."""

    blocked_until: datetime


@dataclass(frozen=True, slots=True)
class NeedBirthDate:
    invitation_id: int
    roster_language: Language | None
    """The language the school's roster gives for this guardian."""


@dataclass(frozen=True, slots=True)
class StaffLinked:
    member: StaffMember


@dataclass(frozen=True, slots=True)
class AlreadyLinked:
    """The code of the letter this account itself was linked with (scanned again)."""


@dataclass(frozen=True, slots=True)
class CodeBlocked:
    """The code this account itself had blocked with wrong dates of birth: it will never
    work again, waiting does not help."""


CodeResult = (
    NotACode | Blocked | Rejected | NeedBirthDate | StaffLinked | AlreadyLinked | CodeBlocked
)


@dataclass(frozen=True, slots=True)
class NotADate:
    """Not readable as a date; costs nothing."""


@dataclass(frozen=True, slots=True)
class WrongDate:
    attempts_left: int
    blocked_until: datetime


@dataclass(frozen=True, slots=True)
class CodeRevoked:
    """Too many wrong dates: the code no longer works."""


@dataclass(frozen=True, slots=True)
class GuardianLinked:
    first_link: bool
    """True when this account was not linked to anything before (so it picks a language)."""
    children: tuple[str, ...]


BirthDateResult = NotADate | Blocked | Rejected | WrongDate | CodeRevoked | GuardianLinked


class Onboarding:
    def __init__(self, db: Database, keys: Keys, clock: Clock) -> None:
        self._db, self._keys, self._clock = db, keys, clock

    def _account(self, telegram_user_id: int) -> str:
        return self._keys.pseudonym("tg", telegram_user_id)

    async def blocked_until(self, telegram_user_id: int) -> datetime | None:
        state = await login_backoff.get(self._db.reader, self._account(telegram_user_id))
        if state is None:
            return None
        until = from_db(state[1])
        return until if until > self._clock.now() else None

    async def _fail(self, conn: Connection, telegram_user_id: int, now: datetime) -> datetime:
        account = self._account(telegram_user_id)
        state = await login_backoff.get(conn, account)
        failures = (state[0] if state else 0) + 1
        wait = min(FIRST_BACKOFF * (1 << min(failures - 1, 12)), MAX_BACKOFF)
        await login_backoff.put(conn, account, failures, to_db(now + wait))
        return now + wait

    async def redeem_code(
        self, telegram_user_id: int, chat_id: int, typed: str, language: Language
    ) -> CodeResult:
        code = codes.normalise(typed)
        if code is None:
            return NotACode()
        if own := await self._own_code(telegram_user_id, codes.code_mac(self._keys.codes, code)):
            return own
        if until := await self.blocked_until(telegram_user_id):
            return Blocked(until)
        now = self._clock.now()
        async with self._db.transaction() as conn:
            invitation = await invitations.find_usable(
                conn, codes.code_mac(self._keys.codes, code), to_db(now)
            )
            if invitation is None:
                until = await self._fail(conn, telegram_user_id, now)
                await audit.record(
                    conn,
                    self._keys.audit,
                    now,
                    actor=self._account(telegram_user_id),
                    action=AuditAction.LOGIN_CODE_REJECTED,
                )
                return Rejected(until)
            if invitation.guardian_id is not None:
                guardian = await people.guardian(conn, invitation.guardian_id)
                roster_language = guardian.language if guardian else None
                return NeedBirthDate(
                    invitation.id, roster_language if is_language(roster_language) else None
                )
            return await self._link_staff(
                conn, invitation, telegram_user_id, chat_id, language, now
            )

    async def _own_code(
        self, telegram_user_id: int, code_mac: str
    ) -> AlreadyLinked | CodeBlocked | None:
        """A code this account itself used or blocked; None for any other code, so that
        nothing is said about a code of someone else."""
        conn = self._db.reader
        invitation = await invitations.find(conn, code_mac)
        if invitation is None:
            return None
        if invitation.used_at is not None and any(
            (link.guardian_id is not None and link.guardian_id == invitation.guardian_id)
            or (link.staff_id is not None and link.staff_id == invitation.staff_id)
            for link in await accounts.links(conn, telegram_user_id)
        ):
            return AlreadyLinked()
        if invitation.revoked_at is not None and any(
            event.action == AuditAction.INVITATION_REVOKED
            and event.actor == self._account(telegram_user_id)
            for event in await audit_events.for_subject(conn, f"invitation:{invitation.id}")
        ):
            return CodeBlocked()
        return None

    async def _link(
        self,
        conn: Connection,
        invitation: Invitation,
        telegram_user_id: int,
        chat_id: int,
        language: Language,
        now: datetime,
    ) -> None:
        """Link the account to the invitation's guardian or staff member (the code is used),
        end any backoff, and record it."""
        await accounts.ensure(conn, telegram_user_id, chat_id, language, to_db(now))
        await accounts.add_link(
            conn,
            telegram_user_id,
            invitation.school_id,
            invitation.id,
            to_db(now),
            guardian_id=invitation.guardian_id,
            staff_id=invitation.staff_id,
        )
        await login_backoff.clear(conn, self._account(telegram_user_id))
        who = (
            f"staff:{invitation.staff_id}"
            if invitation.staff_id is not None
            else f"guardian:{invitation.guardian_id}"
        )
        await audit.record(
            conn,
            self._keys.audit,
            now,
            actor=self._account(telegram_user_id),
            action=AuditAction.ACCOUNT_LINKED,
            school_id=invitation.school_id,
            subject=who,
            details={"invitation": invitation.id},
        )

    async def _link_staff(
        self,
        conn: Connection,
        invitation: Invitation,
        telegram_user_id: int,
        chat_id: int,
        language: Language,
        now: datetime,
    ) -> CodeResult:
        assert invitation.staff_id is not None
        member = await staff.get(conn, invitation.staff_id)
        if (
            member is None
            or not member.active
            or not await invitations.consume(conn, invitation.id, to_db(now))
        ):
            return Rejected(await self._fail(conn, telegram_user_id, now))
        await self._link(conn, invitation, telegram_user_id, chat_id, language, now)
        # A new code for the same member (a new phone): the account used before is unlinked
        # and what still waits for them goes to this chat.
        await accounts.unlink_staff(conn, member.id, keep_user=telegram_user_id)
        await outbox.readdress_pending_for_staff(conn, member.id, chat_id)
        return StaffLinked(member)

    async def confirm_birth_date(
        self,
        telegram_user_id: int,
        chat_id: int,
        invitation_id: int,
        typed: str,
        language: Language,
    ) -> BirthDateResult:
        now = self._clock.now()
        if until := await self.blocked_until(telegram_user_id):
            return Blocked(until)
        born = parse_birth_date(typed, now.date())
        if born is None:
            return NotADate()
        async with self._db.transaction() as conn:
            invitation = await invitations.get(conn, invitation_id)
            if (
                invitation is None
                or invitation.guardian_id is None
                or invitation.used_at is not None
                or invitation.revoked_at is not None
                or from_db(invitation.expires_at) <= now
            ):
                return Rejected(now)
            slug = await schools.slug_of(conn, invitation.school_id)
            children = await people.children_of(conn, [invitation.guardian_id])
            if not any(
                c.birth_date_mac
                == codes.birth_date_mac(self._keys.birth_dates, slug, c.external_id, born)
                for c in children
            ):
                return await self._wrong_date(conn, invitation, telegram_user_id, now)
            if not await invitations.consume(conn, invitation.id, to_db(now)):
                return Rejected(now)
            first_link = not await accounts.links(conn, telegram_user_id)
            await self._link(conn, invitation, telegram_user_id, chat_id, language, now)
            return GuardianLinked(first_link, tuple(c.first_name for c in children))

    async def _wrong_date(
        self, conn: Connection, invitation: Invitation, telegram_user_id: int, now: datetime
    ) -> BirthDateResult:
        failures = await invitations.add_birth_date_failure(conn, invitation.id)
        until = await self._fail(conn, telegram_user_id, now)
        actor = self._account(telegram_user_id)
        if failures >= MAX_BIRTH_DATE_FAILURES:
            await invitations.revoke(conn, invitation.id, to_db(now))
            await audit.record(
                conn,
                self._keys.audit,
                now,
                actor=actor,
                action=AuditAction.INVITATION_REVOKED,
                school_id=invitation.school_id,
                subject=f"invitation:{invitation.id}",
                details={"reason": "birth_date_failures"},
            )
            return CodeRevoked()
        await audit.record(
            conn,
            self._keys.audit,
            now,
            actor=actor,
            action=AuditAction.LOGIN_BIRTH_DATE_REJECTED,
            school_id=invitation.school_id,
            subject=f"invitation:{invitation.id}",
        )
        return WrongDate(MAX_BIRTH_DATE_FAILURES - failures, until)
