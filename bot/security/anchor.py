"""The audit chain's head, anchored outside the database.

The head (id and MAC of the newest event) is appended to an append-only text file beside the
key file, one line per anchor: ``<id> <mac> <UTC time>``. Someone who deletes the newest
events and lowers ``sqlite_sequence`` leaves a chain that is consistent in itself, but shorter
than an anchor says it was: ``audit verify`` compares the chain with every anchor.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage import audit_events
from storage.db import Connection, to_db

log = logging.getLogger(__name__)


class AnchorFileError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Anchor:
    id: int
    mac: str
    at: str


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in the file, oldest first; none when the file does not exist."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorFileError(f"{path}: cannot read the anchor file ({exc})") from None
    anchors = []
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != 64:
            raise AnchorFileError(f"{path}: line {number} is not an anchor")
        anchors.append(Anchor(int(parts[0]), parts[1], parts[2]))
    return anchors


def _append(path: Path, anchor: Anchor) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, f"{anchor.id} {anchor.mac} {anchor.at}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


async def anchor_head(conn: Connection, path: Path, now: datetime) -> Anchor | None:
    """Append the chain's head to the anchor file (nothing when it has not moved).

    Refuses (logs an error, returns None) when the chain no longer holds the newest anchor:
    anchoring a shortened chain would hide the cut.
    """
    head_id, head_mac = await audit_events.last(conn)
    anchors = read_anchors(path)
    if anchors:
        newest = max(anchors, key=lambda a: a.id)
        if newest.id > head_id or await audit_events.mac_of(conn, newest.id) != newest.mac:
            log.error("the audit trail does not match its anchor %d; run audit verify", newest.id)
            return None
        if newest.id == head_id:
            return newest
    if head_id == 0:
        return None
    anchor = Anchor(head_id, head_mac, to_db(now))
    _append(path, anchor)
    return anchor
