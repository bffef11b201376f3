"""What the commands share on their command lines: help layout, --school, --bot-username."""

from __future__ import annotations

import argparse
from typing import TypeAlias

from bot.errors import ConfigError
from bot.settings import Settings

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where a module adds its commands (or a command its actions)."""

FORMATTER = argparse.RawDescriptionHelpFormatter


def command(
    commands: Commands,
    name: str,
    summary: str,
    description: str,
    example: str,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"example:\n  {example}",
        formatter_class=FORMATTER,
    )


def school_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--school",
        required=True,
        metavar="SLUG",
        help="the school's slug, as in its config file (slug = ...)",
    )


def bot_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's username for the links (default: PRIVACYLOKET_BOT_USERNAME)",
    )


def bot_username(args: argparse.Namespace, settings: Settings) -> str:
    username: str | None = args.bot_username or settings.bot_username
    if not username:
        raise ConfigError(
            "the bot's username is needed for the links: pass --bot-username or set "
            "PRIVACYLOKET_BOT_USERNAME"
        )
    return username.removeprefix("@")
