"""The demo page's guided tour: a short list of things to try, each ticked off once it has
happened in the chats (read from the bot's own database, not from the page)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.people import JAMES, MARIEKE, PARENTS
from bot.domain.model import Kind, Status
from bot.i18n import N_, gettext
from storage import accounts, cases
from storage.db import Connection

# The steps, in the order a visitor would try them; the texts are English msgids.
STEPS: tuple[tuple[str, str], ...] = (
    (
        "letter",
        N_(
            "Marieke scans her letter: the QR button in her chat, then Zoë's date of birth, "
            "14-02-2020."
        ),
    ),
    ("copy", N_("Marieke asks for a copy of Zoë's dossier.")),
    ("taken", N_("Anna takes the request on (the button under the new request).")),
    ("answered", N_("Anna adds the copy (a PDF from this computer) and answers.")),
    ("consent", N_("James changes a photo consent; Anna gets a task to act on it.")),
    (
        "refused",
        N_("James asks for a deletion; J. de Vries refuses it, saying why the data is kept."),
    ),
    ("digest", N_("Move the clock on (Next event) until J. de Vries receives the digest.")),
)


@dataclass(frozen=True, slots=True)
class Progress:
    done: frozenset[str]

    def items(self) -> list[dict[str, object]]:
        """The tour as the page shows it, in the current language."""
        return [
            {"id": key, "text": gettext(text), "done": key in self.done} for key, text in STEPS
        ]


async def progress(conn: Connection, *, digest_by_clock: bool) -> Progress:
    """Which steps have happened: ``digest_by_clock`` when a move of the clock sent one."""
    done: set[str] = set()
    linked: dict[int, list[int]] = {}
    for person in PARENTS:
        links = await accounts.links(conn, person.user_id)
        linked[person.user_id] = [g.guardian_id for g in links if g.guardian_id is not None]
    if linked[MARIEKE.user_id]:
        done.add("letter")
    own = await cases.for_guardians(conn, linked[MARIEKE.user_id])
    if any(c.kind == Kind.ACCESS for c in own):
        done.add("copy")
    everyone = await cases.for_guardians(conn, [g for ids in linked.values() for g in ids])
    for case in everyone:
        if case.kind == Kind.ACCESS:
            events = {e.event for e in await cases.events(conn, case.id)}
            if "taken" in events:
                done.add("taken")
            if case.status == Status.RESOLVED:
                done.add("answered")
        elif case.kind == Kind.ERASURE and case.status == Status.REJECTED:
            done.add("refused")
    theirs = await cases.for_guardians(conn, linked[JAMES.user_id])
    if any(c.kind == Kind.CONSENT for c in theirs):
        done.add("consent")
    if digest_by_clock:
        done.add("digest")
    return Progress(frozenset(done))
