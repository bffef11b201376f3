"""privacyloket run and health: the bot at work, and whether it is."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable

from bot.cli.arguments import Commands, command
from bot.errors import ConfigError, UserFacingError
from bot.services import Services
from bot.settings import Settings
from bot.single_process import hold_lock
from storage import bot_state
from storage.db import is_database_error

log = logging.getLogger("privacyloket")

HEARTBEAT_INTERVAL = 30.0
"""Seconds between two confirmations that the bot polls and can write its database."""
HEALTH_MAX_AGE = 120


def add_commands(commands: Commands) -> None:
    """privacyloket run and privacyloket health."""
    command(
        commands,
        "run",
        "run the bot (long polling)",
        "Run the bot until stopped (Ctrl-C or SIGTERM): it fetches updates from the Bot API "
        "at PRIVACYLOKET_API_BASE_URL with the token PRIVACYLOKET_BOT_TOKEN, or, when "
        "PRIVACYLOKET_WEBHOOK_URL is set, serves a webhook on PRIVACYLOKET_WEBHOOK_LISTEN that "
        "Telegram posts updates to (with /healthz and /readyz). While it polls and can write "
        "its database it touches a health file beside the database ('privacyloket health' "
        "reads it, or asks /healthz in webhook mode). On a PostgreSQL database any number of "
        "'run' processes work together.",
        "PRIVACYLOKET_BOT_TOKEN=123456:your-token privacyloket run",
    )

    health = command(
        commands,
        "health",
        "exit 0 when the running bot is polling and can write its database",
        "For a container health check: succeeds when the running bot has recently confirmed "
        "that it is polling and that its database is writable, or (webhook mode) when its "
        "/healthz answers.",
        "privacyloket health",
    )
    health.add_argument(
        "--max-age",
        type=int,
        default=HEALTH_MAX_AGE,
        metavar="SECONDS",
        help=f"how old the last confirmation may be (default {HEALTH_MAX_AGE})",
    )


async def heartbeat(services: Services, polling: Callable[[], bool]) -> None:
    """While the bot polls and its database takes a write, touch the health file."""
    path = services.settings.health_file
    while True:
        try:
            if polling():
                # A real write (a timestamp, nothing personal) proves the disk takes one.
                async with services.db.transaction() as conn:
                    await bot_state.save(
                        conn, "health", "heartbeat", services.clock.now().isoformat().encode()
                    )
                path.write_text(services.clock.now().isoformat() + "\n", encoding="ascii")
        except Exception as exc:
            if not (isinstance(exc, OSError) or is_database_error(exc)):
                raise
            log.warning("health check failed: %s", type(exc).__name__)
        await asyncio.sleep(HEARTBEAT_INTERVAL)


async def run_bot(settings: Settings) -> None:
    if settings.bot_token is None:  # a missing setting, like a bad one: exit code 2
        raise ConfigError("no bot token: set PRIVACYLOKET_BOT_TOKEN (from @BotFather)")
    if settings.on_postgresql:
        # Any number of workers share a PostgreSQL database.
        await _run_locked(settings)
        return
    with hold_lock(settings.lock_file, settings.database_file):
        await _run_locked(settings)


async def _run_locked(settings: Settings) -> None:
    from bot.runtime import running

    services = await Services.start(settings)
    try:
        async with running(services) as bot:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            intake = bot.intake
            beat = asyncio.create_task(
                heartbeat(services, lambda: intake.running and not intake.failed.is_set())
            )
            try:
                log.info("bot is running as @%s", bot.application.bot.username)
                waits = [
                    asyncio.create_task(stop.wait()),
                    asyncio.create_task(intake.failed.wait()),
                ]
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                for task in waits:
                    task.cancel()
                log.info("stopping")
            finally:
                beat.cancel()
                settings.health_file.unlink(missing_ok=True)
        if intake.failed.is_set():
            raise UserFacingError("the bot token was refused by the Bot API")
    finally:
        await services.close()


def check_health(settings: Settings, max_age: int) -> int:
    if settings.webhook_url is not None:
        return _webhook_health(settings)
    try:
        age = time.time() - settings.health_file.stat().st_mtime
    except FileNotFoundError:
        print(f"unhealthy: the bot is not running ({settings.health_file} is missing)")
        return 1
    if age > max_age:
        print(f"unhealthy: no confirmation from the bot for {age:.0f} s")
        return 1
    print(f"healthy: polling, database writable ({age:.0f} s ago)")
    return 0


def _webhook_health(settings: Settings) -> int:
    """Webhook mode: the running bot's own /healthz answers."""
    import urllib.error
    import urllib.request

    host, port = settings.listen
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url} does not answer ({type(exc).__name__})")
        return 1
    print(f"healthy: {url} answers" if ok else f"unhealthy: {url} answers, but not 200")
    return 0 if ok else 1
