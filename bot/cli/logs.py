"""The log levels of the bot and of the libraries it uses."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    # Request URLs contain the bot token, PTB's debug lines contain message texts and
    # updates, and aiosqlite's the parameters of every query: those loggers never go below
    # their safe level, whatever LOG_LEVEL says.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting, per glyph
