"""Setting up people, and writing or tampering with audit events, for domain tests without
Telegram."""

from __future__ import annotations

from bot.domain import onboarding as rules
from bot.domain.model import Actor
from bot.schools.invitations import issue_guardian_codes, issue_staff_code
from bot.security import audit
from bot.services import Services
from storage import outbox, people, schools
from storage.db import Connection
from tests.raw_database import drop_trigger, raw_database
from tests.support import FakeClock

BIRTH_DATES = {
    "Inge Mulder": "09-03-2022",
    "Priya Sharma": "21-04-2016",
    "Marieke de Jong": "14-02-2020",
    "James Whitfield": "14-02-2020",
    "Anouk Smit": "05-08-2016",
    "Jelle Hoekstra": "02-12-2014",
}


async def link_guardian(s: Services, clock: FakeClock, name: str, user_id: int) -> Actor:
    issued = await issue_guardian_codes(
        s.db, s.keys, clock, s.school("cbs-klimop"), days=30, renew=True
    )
    code = next(i.code for i in issued if i.guardian_name == name)
    pending = await s.onboarding.redeem_code(user_id, user_id, code, "nl")
    assert isinstance(pending, rules.NeedBirthDate)
    linked = await s.onboarding.confirm_birth_date(
        user_id, user_id, pending.invitation_id, BIRTH_DATES[name], "nl"
    )
    assert isinstance(linked, rules.GuardianLinked)
    profile = await s.accounts.profile(user_id)
    assert profile is not None
    return Actor(user_id, profile.guardian_ids)


async def link_staff(
    s: Services, clock: FakeClock, name: str, role: str, groups: list[str], user_id: int
) -> int:
    issued = await issue_staff_code(
        s.db, s.keys, clock, s.school("cbs-klimop"), name=name, role=role, groups=groups, days=7
    )
    result = await s.onboarding.redeem_code(user_id, user_id, issued.code, "nl")
    assert isinstance(result, rules.StaffLinked)
    return result.member.id


async def student_id(conn: Connection, external_id: str) -> int:
    school_id = await schools.find_id(conn, "cbs-klimop")
    assert school_id is not None
    return (await people.students_by_external_id(conn, school_id))[external_id].id


async def queued_for(s: Services, chat_id: int) -> list[str]:
    """Decrypted texts of pending outbox messages for a chat."""
    rows = await outbox.due(s.db.reader, "9999", 1000)
    return [s.cipher.decrypt_text(r.body, f"outbox:{r.ref}") for r in rows if r.chat_id == chat_id]


async def three_audit_events(services: Services, clock: FakeClock) -> None:
    """Three events in the audit chain, one unit of work each."""
    for n in range(3):
        async with services.db.transaction() as conn:
            await audit.record(
                conn,
                services.keys.audit,
                clock.now(),
                actor="cli",
                action=audit.AuditAction.RETENTION_RUN,
                details={"n": n},
            )


def tamper_with_audit(services: Services, sql: str) -> None:
    """What someone with access to the database could do: drop the guard triggers and edit."""
    with raw_database(services) as raw:
        drop_trigger(raw, "audit_events_no_update", "audit_events")
        drop_trigger(raw, "audit_events_no_delete", "audit_events")
        raw.execute(sql)
