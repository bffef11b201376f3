"""Steps several end-to-end tests share: codes, people who have linked their account, a request."""

from __future__ import annotations

from bot.schools.invitations import issue_guardian_codes, issue_staff_code
from tests.domain_helpers import BIRTH_DATES
from tests.e2e.harness import Harness, Person

# Button labels of the dossier-copy flow, per language, as the people see them.
LABELS = {
    "en": {
        "see": "What the school records",
        "copy": "Request a copy of the dossier",
        "chat": "In this chat",
        "send": "Send request",
        "take": "Take on",
        "note": "Internal note",
        "attach": "Attach copy",
        "answer": "Answer and close",
        "confirm": "Confirm",
        "my": "My requests",
        "received": "I received the documents",
        "again": "Send the documents again",
    },
    "nl": {
        "see": "Wat de school vastlegt",
        "copy": "Kopie van het dossier aanvragen",
        "chat": "In dit gesprek",
        "send": "Verzoek versturen",
        "take": "In behandeling nemen",
        "note": "Interne notitie",
        "attach": "Kopie toevoegen",
        "answer": "Beantwoorden en afsluiten",
        "confirm": "Bevestigen",
        "my": "Mijn verzoeken",
        "received": "Ik heb de documenten ontvangen",
        "again": "Documenten opnieuw sturen",
    },
}


async def guardian_code(h: Harness, guardian_name: str) -> str:
    """The open code of a guardian (codes are issued once per test, as for letters)."""
    codes = h.guardian_codes
    if not codes:
        issued = await issue_guardian_codes(
            h.s.db, h.s.keys, h.clock, h.s.school("cbs-klimop"), days=30
        )
        codes.update({i.guardian_name: i.code for i in issued})
    return codes[guardian_name]


async def staff_code(
    h: Harness, name: str, role: str, groups: list[str], school: str = "cbs-klimop"
) -> str:
    issued = await issue_staff_code(
        h.s.db,
        h.s.keys,
        h.clock,
        h.s.school(school),
        name=name,
        role=role,
        groups=groups,
        days=7,
    )
    return issued.code


async def linked_parent(h: Harness, user_id: int, guardian: str, language: str = "nl") -> Person:
    """A parent who has gone through onboarding and sees the main menu."""
    person = h.person(user_id, guardian.split()[0], language)
    await person.send(f"/start {await guardian_code(h, guardian)}")
    await person.send(BIRTH_DATES[guardian])
    await person.tap("Nederlands" if language == "nl" else "English")
    return person


async def linked_staff(
    h: Harness, user_id: int, name: str, role: str, groups: list[str], language: str
) -> Person:
    """A staff member who has redeemed a staff code (Telegram shows their first name)."""
    person = h.person(user_id, name.split()[0], language)
    await person.send(f"/start {await staff_code(h, name, role, groups)}")
    return person


async def linked_teacher(
    h: Harness, user_id: int, groups: list[str], language: str = "nl"
) -> Person:
    """Anna de Wit, teacher of ``groups``."""
    teacher = h.person(user_id, "Anna", language)
    await teacher.send(f"/start {await staff_code(h, 'Anna de Wit', 'teacher', groups)}")
    return teacher


async def linked_director(h: Harness, user_id: int, language: str = "nl") -> Person:
    """J. de Vries, the head teacher (Jolanda on Telegram)."""
    director = h.person(user_id, "Jolanda", language)
    await director.send(f"/start {await staff_code(h, 'J. de Vries', 'director', [])}")
    return director


async def request_dossier_copy(h: Harness, parent: Person) -> None:
    """A Dutch-speaking parent asks for a copy of the dossier; from then on the outbox runs
    only when the test delivers it."""
    h.manual_outbox()
    await parent.send("/menu")
    await parent.tap("Wat de school vastlegt")
    await parent.tap("Kopie van het dossier aanvragen")
    await parent.tap("In dit gesprek")
    await parent.tap("Verzoek versturen")


async def request_correction(parent: Person, language: str = "nl") -> None:
    """The parent asks to correct the absence record (a fact) from the menu."""
    await parent.send("/menu")
    await parent.tap("Gegevens corrigeren" if language == "nl" else "Correct data")
    await parent.tap("Verzuim" if language == "nl" else "Absence")
    await parent.send("Op 3 oktober was mijn kind ziek gemeld, niet afwezig.")
    await parent.tap("Verzoek versturen" if language == "nl" else "Send request")
