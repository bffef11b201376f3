"""privacyloket demo: the whole school in a web page, without Telegram."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.arguments import Commands, command
from bot.cli.logs import configure_logging
from bot.errors import UserFacingError

DEMO_PORT = 8765


def add_command(commands: Commands) -> None:
    """privacyloket demo."""
    demo = command(
        commands,
        "demo",
        "try the whole school in a web page, without Telegram",
        "Start a throw-away demo school (cbs Klimop, with its roster and staff) and the real "
        "bot, talking to a Telegram emulator on this computer, and serve a page that shows "
        "two parents', the teacher's and the head teacher's chats side by side. It needs no "
        "token, no settings and no network; it prints the address and the parents' codes. "
        "Ctrl-C stops it and removes everything, unless --keep is given.",
        "privacyloket demo --port 8765 --lang en",
    )
    demo.add_argument(
        "--port",
        type=int,
        default=DEMO_PORT,
        metavar="PORT",
        help=f"serve the page on http://127.0.0.1:PORT (default {DEMO_PORT})",
    )
    demo.add_argument(
        "--lang",
        choices=("nl", "en"),
        default="nl",
        help="the page's language and the staff's (default nl; the parents are one of each)",
    )
    demo.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the demo's database and key in this new or empty folder",
    )


def serve_demo(args: argparse.Namespace) -> int:
    """The demo reads no settings: it makes its own school in a folder of its own."""
    from bot.demo.run import run_demo

    if not 0 < args.port < 65536:
        raise UserFacingError(f"--port {args.port}: choose a port from 1 to 65535")
    configure_logging("WARNING")
    run_demo(args.port, args.lang, args.keep, sys.stdout)
    return 0
