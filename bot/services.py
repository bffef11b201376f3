"""The services a running bot (or a CLI command) works with, created once and shared."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.domain.accounts import Accounts
from bot.domain.cases import Cases
from bot.domain.consent import Consents
from bot.domain.document_resends import DocumentResends
from bot.domain.onboarding import Onboarding
from bot.domain.photo_checks import PhotoChecks
from bot.domain.rounds.answering import RoundAnswers
from bot.domain.rounds.closing import RoundClosing
from bot.domain.rounds.paper import PaperAnswers
from bot.domain.rounds.starting import ConsentRounds
from bot.domain.rounds.views import RoundViews
from bot.domain.staff_cases import StaffCases
from bot.domain.staff_membership import StaffMembership
from bot.domain.staff_views import StaffViews
from bot.errors import ConfigError
from bot.outbox import Bell
from bot.schools.config import SchoolConfig, load_schools
from bot.security.crypto import Cipher
from bot.security.keys import Keys, mac_hex
from bot.settings import Settings
from storage import deployment, schools
from storage.db import Database
from storage.engines import open_database


@dataclass
class Services:
    settings: Settings
    db: Database
    keys: Keys
    clock: Clock
    schools: dict[str, SchoolConfig]
    school_by_id: dict[int, SchoolConfig]
    cipher: Cipher
    onboarding: Onboarding
    accounts: Accounts
    cases: Cases
    consents: Consents
    staff_cases: StaffCases
    staff_views: StaffViews
    staff_membership: StaffMembership
    resends: DocumentResends
    rounds: ConsentRounds
    round_answers: RoundAnswers
    round_views: RoundViews
    round_closing: RoundClosing
    photo_checks: PhotoChecks
    paper_answers: PaperAnswers
    outbox_bell: Bell
    """Rung when a change queued messages; the running bot's dispatcher listens."""

    @classmethod
    async def start(cls, settings: Settings, clock: Clock | None = None) -> Services:
        """Load the school configs and the key, open (and migrate) the database."""
        configs = load_schools(settings.schools)
        keys = settings.keys()
        clock = clock or SystemClock()
        db = open_database(settings.database)
        await db.open()
        try:
            by_id: dict[int, SchoolConfig] = {}
            async with db.transaction() as conn:
                check = mac_hex(keys.pseudonyms, "key-check")
                stored = await deployment.key_check(conn)
                if stored is None:
                    await deployment.set_key_check(conn, check)
                elif stored != check:
                    raise ConfigError(
                        f"{settings.database_name}: this database was set up with another secret "
                        "key; use the key file or PRIVACYLOKET_SECRET_KEY that belongs to it"
                    )
                for config in configs.values():
                    by_id[await schools.ensure(conn, config.slug, config.name)] = config
        except BaseException:
            await db.close()
            raise
        cipher = Cipher(keys.encryption)
        bell = Bell()
        cases = Cases(db, keys, cipher, clock, by_id, bell)
        consents = Consents(db, cipher, clock, by_id, cases)
        return cls(
            settings=settings,
            db=db,
            keys=keys,
            clock=clock,
            schools=configs,
            school_by_id=by_id,
            cipher=cipher,
            onboarding=Onboarding(db, keys, clock),
            accounts=Accounts(db, keys, clock),
            cases=cases,
            consents=consents,
            staff_cases=StaffCases(db, keys, cipher, clock, by_id, cases),
            staff_views=StaffViews(db, keys, cipher, clock, by_id, cases),
            staff_membership=StaffMembership(db, keys, cipher, clock, by_id, bell),
            resends=DocumentResends(db, keys, cipher, clock, cases),
            rounds=ConsentRounds(db, keys, cipher, clock, by_id, bell),
            round_answers=RoundAnswers(db, keys, cipher, clock, by_id, consents, bell),
            round_views=RoundViews(db, keys, cipher, clock, by_id),
            round_closing=RoundClosing(db, keys, cipher, clock, by_id, bell),
            photo_checks=PhotoChecks(db, keys, clock, by_id),
            paper_answers=PaperAnswers(db, keys, clock, by_id, consents, bell),
            outbox_bell=bell,
        )

    def school(self, slug: str) -> SchoolConfig:
        try:
            return self.schools[slug]
        except KeyError:
            known = ", ".join(sorted(self.schools)) or "none"
            raise ConfigError(f"--school: unknown school {slug!r} (configured: {known})") from None

    async def close(self) -> None:
        await self.db.close()
