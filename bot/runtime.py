"""Starting and stopping the bot: one sequence for ``privacyloket run``, the demo, the
end-to-end tests and the benchmark (which runs ``privacyloket run`` as a process).

::

    services = await Services.start(settings)
    async with running(services) as bot:
        await stopped.wait()      # Ctrl-C, or bot.intake.failed

Start: the application is initialised (its Bot API answers getMe), the claims a dead
process left on the outbox are taken back (SQLite: one process), the command lists are
published, the JobQueue and handlers start, and then the intake polls, or (webhook mode,
``PRIVACYLOKET_WEBHOOK_URL``) the webhook server starts and Telegram is told its URL. Stop,
in reverse: the webhook server stops taking posts, the intake stops fetching and finishes
what it holds, the application stops (persisting conversation state), the
audit chain's head is anchored, and the application shuts down. The caller closes the
services.

Where the bot deliberately goes around python-telegram-bot, and what to check on an upgrade:

- **Updates come through our own intake** (``handlers.intake``), not PTB's ``Updater``
  (``ApplicationBuilder().updater(None)``): each ``getUpdates`` batch is stored, encrypted,
  before Telegram is told it was received, and handed to ``Application.process_update`` per
  chat, in order. Check that ``process_update`` still runs the handler groups and the
  persistence update for one update, and that ``Application.start()`` without an updater
  still starts the JobQueue.
- **Each person's and chat's state is saved by ``handlers.persistence.SqlitePersistence``**
  (typed ``UserData`` and ``ChatData`` through ``ContextTypes``; the sign-up is a step in
  it, not a ``ConversationHandler``), only what an update changed, when that update is
  done. Check the ``BasePersistence`` methods' signatures and that ``Application.user_data``
  and ``chat_data`` are still made from the ``ContextTypes``.
- **The reader's language is a ContextVar** set around each update by the intake
  (``bot.i18n.use_language``) and refined by the first handler (``handlers.gate``). It
  relies on ``process_update`` running the handlers in the caller's task (``block=True``
  handlers, the default).
- **Outbox sends and replies share one rate limiter** (``handlers.rate_limiter``), a
  ``BaseRateLimiter`` that puts replies before notices. Check the ``process_request``
  signature and how PTB passes ``rate_limit_args``.
- **A stale or forged button** is refused in a group -1 ``TypeHandler`` that raises
  ``ApplicationHandlerStop`` (``handlers.gate``); every callback query is answered there.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bot.app import (
    BotApplication,
    Intake,
    build_application,
    initialize,
    intake_of,
    leave_webhook,
    publish_commands,
    register_webhook,
    webhook_server,
)
from bot.jobs.audit_anchor import anchor
from bot.jobs.dispatcher import Dispatcher
from bot.services import Services

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10
"""Seconds a getUpdates call waits for new updates (long polling)."""


@dataclass(frozen=True, slots=True)
class Running:
    """The bot while it runs: what the caller may watch or drive."""

    application: BotApplication
    intake: Intake
    dispatcher: Dispatcher


@contextlib.asynccontextmanager
async def running(
    services: Services,
    *,
    on_update_done: Callable[[int], None] | None = None,
    rate_limit: bool = True,
    schedule: bool = True,
    poll_timeout: float = POLL_TIMEOUT,
) -> AsyncIterator[Running]:
    """The bot started on ``services``, stopped when the block ends (also on an error).

    A Bot API that cannot be reached, refuses the token, or is not a Bot API at all is one
    :class:`UserFacingError` line. ``schedule=False`` leaves reminders, digests and retention
    to the caller (the tests run them at a moment they choose).
    """
    application = build_application(
        services, on_update_done=on_update_done, rate_limit=rate_limit, schedule=schedule
    )
    settings = services.settings
    try:
        await initialize(application, settings.api_base_url)
        intake = intake_of(application)
        dispatcher: Dispatcher = application.bot_data["dispatcher"]
        if not services.db.shared:
            # One process per database: any outbox claim left is a dead process's.
            await dispatcher.recover()
        await publish_commands(application)
        await application.start()
        server = None
        if settings.webhook_url is not None:
            await intake.start(poll=False)
            server = webhook_server(application, services)
            await server.start()
            await register_webhook(application, services)
        else:
            await leave_webhook(application)
            await intake.start(poll_timeout=poll_timeout)
        try:
            yield Running(application, intake, dispatcher)
        finally:
            if server is not None:
                await server.stop()  # Telegram posts what it could not deliver again
            if intake.running:
                await intake.stop()
            if application.running:
                await application.stop()
            await anchor(services.db, settings.anchor_file, services.clock)
    finally:
        await application.shutdown()
