"""What a linked Telegram account is: a guardian of some children, a staff member, or both."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Language, is_language, suggest_language
from bot.security import audit
from bot.security.audit import AuditAction
from bot.security.keys import Keys
from storage import accounts, bot_state, people, staff
from storage.db import Database
from storage.people import Student
from storage.staff import StaffMember


@dataclass(frozen=True, slots=True)
class Profile:
    telegram_user_id: int
    language: Language
    guardian_ids: tuple[int, ...]
    children: tuple[Student, ...]
    staff: tuple[StaffMember, ...]
    linked_school_ids: frozenset[int] = frozenset()
    """Every school this account is linked to, with or without children there now."""

    @property
    def is_guardian(self) -> bool:
        return bool(self.guardian_ids)

    @property
    def off_roster(self) -> bool:
        """A guardian no longer on the roster with any child: their requests stay theirs,
        but they cannot start a new one about a child."""
        return self.is_guardian and not self.children

    @property
    def is_staff(self) -> bool:
        return bool(self.staff)

    @property
    def school_ids(self) -> frozenset[int]:
        return self.linked_school_ids | frozenset(
            [c.school_id for c in self.children] + [m.school_id for m in self.staff]
        )


class Accounts:
    def __init__(self, db: Database, keys: Keys, clock: Clock) -> None:
        self._db, self._keys, self._clock = db, keys, clock

    async def language(self, telegram_user_id: int) -> Language | None:
        account = await accounts.get(self._db.reader, telegram_user_id)
        if account is None or not is_language(account.language):
            return None
        return account.language

    async def reader_language(self, telegram_user_id: int, app_language: str | None) -> Language:
        """The language to write to this person in: the one they chose, else their
        Telegram app's when we speak it, else the default."""
        return await self.language(telegram_user_id) or suggest_language(app_language)

    async def profile(self, telegram_user_id: int) -> Profile | None:
        conn = self._db.reader
        account = await accounts.get(conn, telegram_user_id)
        if account is None:
            return None
        links = await accounts.links(conn, telegram_user_id)
        if not links:
            return None
        guardian_ids = tuple(link.guardian_id for link in links if link.guardian_id is not None)
        members = [
            m
            for link in links
            if link.staff_id is not None
            if (m := await staff.get(conn, link.staff_id)) is not None
        ]
        children = await people.children_of(conn, list(guardian_ids))
        language = account.language if is_language(account.language) else "nl"
        return Profile(
            telegram_user_id,
            language,
            guardian_ids,
            tuple(children),
            tuple(members),
            frozenset(link.school_id for link in links),
        )

    async def set_language(self, telegram_user_id: int, language: Language) -> bool:
        async with self._db.transaction() as conn:
            return await accounts.set_language(conn, telegram_user_id, language)

    async def forget(self, telegram_user_id: int, chat_id: int) -> bool:
        """Unlink the account and drop what the bot holds about it; the school's records stay."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            links = await accounts.links(conn, telegram_user_id)
            deleted = await accounts.delete(conn, telegram_user_id)
            await bot_state.delete_key(conn, str(telegram_user_id))
            await bot_state.delete_key(conn, str(chat_id))
            if deleted:
                for school_id in sorted({link.school_id for link in links}):
                    await audit.record(
                        conn,
                        self._keys.audit,
                        now,
                        actor=self._keys.pseudonym("tg", telegram_user_id),
                        action=AuditAction.ACCOUNT_FORGOTTEN,
                        school_id=school_id,
                        details={"links": len(links)},
                    )
            return deleted

    async def note_refused_button(self, telegram_user_id: int, reason: str) -> None:
        """A forged or stale button was refused: recorded, nothing else changes."""
        async with self._db.transaction() as conn:
            await audit.record(
                conn,
                self._keys.audit,
                self._clock.now(),
                actor=self._keys.pseudonym("tg", telegram_user_id),
                action=AuditAction.BUTTON_REFUSED,
                details={"reason": reason},
            )
