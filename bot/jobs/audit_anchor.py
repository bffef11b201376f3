"""Anchoring the audit chain's head outside the database: daily, at start and at shutdown."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.clock import Clock
from bot.security.anchor import Anchor, AnchorFileError, anchor_head
from storage.db import Database

log = logging.getLogger(__name__)


async def anchor(db: Database, path: Path, clock: Clock) -> Anchor | None:
    """Append the head to the anchor file; a problem is logged, never fatal to the bot."""
    try:
        return await anchor_head(db.reader, path, clock.now())
    except (AnchorFileError, OSError) as exc:
        log.error("cannot anchor the audit trail: %s", exc)
        return None
