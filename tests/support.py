"""Shared test helpers: a settable clock, settings in a temporary folder, a roster."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import AdjustableClock
from bot.settings import Settings
from tests import engines

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHOOL_TOML = EXAMPLES / "cbs-klimop.toml"
ROSTER_CSV = EXAMPLES / "roster-cbs-klimop.csv"
SECRET = "test-secret-" + "x" * 40


class FakeClock(AdjustableClock):
    """The product's adjustable clock, frozen at a Monday morning unless told otherwise."""

    def __init__(self, moment: datetime | None = None) -> None:
        super().__init__(moment or datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


_databases: dict[Path, str] = {}


def test_database(tmp: Path) -> str | Path:
    """The test's database: ``test.db`` in its folder, or (``--engine=postgresql``) a
    PostgreSQL database of its own, the same one for the same folder."""
    if engines.engine == "sqlite":
        return tmp / "test.db"
    if tmp not in _databases or _databases[tmp] not in engines.created():
        _databases[tmp] = engines.new_database()
    return engines.url_of(_databases[tmp])


def make_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database": overrides.pop("database") if "database" in overrides else test_database(tmp),
        "schools": SCHOOL_TOML,
        "secret_key": SECRET,
        "key_file": tmp / "test.key",
        "bot_username": "KlimopTestBot",
    }
    values.update(overrides)
    return Settings.model_validate(values)


def new_school_year_roster() -> str:
    """The example roster a year later, as the administration exports it in August: every
    pupil one group up, except Sofiia, who stays in group 4; Fenna (group 8) and Thijs
    (group 7, moved away) have left; Lieke and Mila (a sister of Zoë) start in group 1 and
    Yusuf joins group 4 with a new family."""
    lines = ROSTER_CSV.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split(",")
        if fields[0] in ("L1010", "L1012"):
            continue
        if fields[0] != "L1006":
            fields[4] = str(int(fields[4]) + 1)
        out.append(",".join(fields))
    out += [
        "L1013,Lieke,Jansen,2022-09-12,1,O2016,Femke Jansen,femke.jansen@mail.example,nl",
        "L1014,Yusuf,Demir,2019-06-02,4,O2017,Elif Demir,elif.demir@mail.example,en",
        "L1015,Mila,de Jong,2022-07-30,1,O2001,Marieke de Jong,marieke.dejong@mail.example,nl",
        "L1015,Mila,de Jong,2022-07-30,1,O2002,James Whitfield,james.whitfield@mail.example,en",
    ]
    return "\n".join(out) + "\n"


WEBHOOK_SECRET = "test-webhook-secret_0123456789"
WEBHOOK_PATH = "/telegram/privacyloket"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_settings(port: int) -> dict[str, object]:
    """Webhook mode on 127.0.0.1 (no proxy in front: the URL is the address served)."""
    return {
        "webhook_url": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        "webhook_secret": WEBHOOK_SECRET,
        "webhook_listen": f"127.0.0.1:{port}",
    }
