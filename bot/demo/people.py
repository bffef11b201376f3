"""Who takes part in the demo: two parents of Zoë (group 3) and the school's staff.

The parents are in the demo roster (examples/roster-cbs-klimop.csv); their Telegram user
ids are made up, like the staff's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.i18n import N_, Language

Role = Literal["parent", "teacher", "director", "privacy_officer"]


@dataclass(frozen=True)
class DemoPerson:
    user_id: int
    name: str
    language: Language
    role: Role
    description: str
    """Shown under the name on the page (an English msgid, translated there)."""
    groups: tuple[str, ...] = ()
    on_page: bool = True


MARIEKE = DemoPerson(
    7_100_001, "Marieke de Jong", "nl", "parent", N_("Parent of Zoë (group 3), in Dutch")
)
JAMES = DemoPerson(
    7_100_002, "James Whitfield", "en", "parent", N_("Parent of Zoë (group 3), in English")
)
TEACHER = DemoPerson(
    7_200_001, "Anna de Wit", "nl", "teacher", N_("Teacher of group 3"), groups=("3",)
)
DIRECTOR = DemoPerson(7_200_002, "J. de Vries", "nl", "director", N_("Head teacher"))
PRIVACY_OFFICER = DemoPerson(
    7_200_003,
    "R. Bakker",
    "nl",
    "privacy_officer",
    N_("Privacy officer of the foundation"),
    on_page=False,
)

PARENTS = (MARIEKE, JAMES)
STAFF = (TEACHER, DIRECTOR, PRIVACY_OFFICER)
