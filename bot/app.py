"""The composition root: every Telegram handler is registered here, in order."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.domain.undeliverable import UndeliverableNotices
from bot.errors import UserFacingError
from bot.i18n import LANGUAGES, gettext, language_or_default, use_language
from bot.jobs import housekeeping, scheduled
from bot.jobs.audit_anchor import anchor
from bot.jobs.dispatcher import Dispatcher
from bot.services import Services
from handlers import account, gate, menu, onboarding, private, router
from handlers import input as typed_input
from handlers.callbacks import CallbackCodec
from handlers.commands import COMMANDS
from handlers.context import BotApplication as BotApplication  # for bot.demo
from handlers.context import BotContext, ChatData, UserData
from handlers.errors import on_error
from handlers.intake import ALLOWED_UPDATES
from handlers.intake import Intake as Intake  # for bot.runtime
from handlers.outbox_sender import TelegramSender
from handlers.persistence import SqlitePersistence
from handlers.rate_limiter import PriorityRateLimiter
from handlers.shared_rate_limiter import SharedRateLimiter
from handlers.staff import actions as staff_actions
from handlers.staff import consents, digest
from handlers.staff import screens as staff_screens
from handlers.webhook import MAX_CONNECTIONS, WebhookServer
from storage.migrations import migration_files

log = logging.getLogger(__name__)

OUTBOX_INTERVAL = 5
SHARED_OUTBOX_INTERVAL = 1
"""Several workers: notices queued by another worker ring no bell here, so look more often."""
SCHEDULE_INTERVAL = 60
CONCURRENT_UPDATES = 64
# Handlers, the outbox and jobs share the connection pool; long polling has its own.
SPARE_CONNECTIONS = 16


def build_application(
    services: Services,
    *,
    on_update_done: Callable[[int], None] | None = None,
    rate_limit: bool = True,
    schedule: bool = True,
    concurrency: int = CONCURRENT_UPDATES,
) -> BotApplication:
    settings = services.settings
    if settings.bot_token is None:
        raise ValueError("no bot token")
    persistence = SqlitePersistence(services.db, services.cipher)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(f"{settings.api_base_url}/bot")
        .base_file_url(f"{settings.api_base_url}/file/bot")
        # Updates come through our own intake (handlers.intake), not PTB's Updater.
        .updater(None)
        .connection_pool_size(concurrency + SPARE_CONNECTIONS)
        .context_types(ContextTypes(context=BotContext, chat_data=ChatData, user_data=UserData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .persistence(persistence)
    )
    if rate_limit:
        # Replies go before outbox notices, together within Telegram's ~30 messages a second.
        # Several workers on one database share the bot's budget (handlers.shared_rate_limiter).
        limiter = SharedRateLimiter(services.db) if services.db.shared else PriorityRateLimiter()
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    application: BotApplication = builder.build()
    application.bot_data["services"] = services
    application.bot_data["codec"] = CallbackCodec(services.keys.callbacks)
    register_handlers(application)
    application.bot_data["intake"] = Intake(
        application,
        services.db,
        services.cipher,
        services.clock,
        persistence,
        reader_language=services.accounts.reader_language,
        concurrency=concurrency,
        on_done=on_update_done,
    )

    sender = TelegramSender(application.bot, application.bot_data["codec"])
    dispatcher = Dispatcher(
        services.db,
        services.cipher,
        services.clock,
        sender,
        attachment_sender=sender.attachment,
        button_sender=sender.with_button,
        keyboard_sender=sender.with_keyboard,
        on_undeliverable=UndeliverableNotices(services.cipher, services.keys),
        leases=services.db.leases if services.db.shared else None,
    )
    application.bot_data["dispatcher"] = dispatcher
    job_queue = application.job_queue
    assert job_queue is not None

    async def deliver(_context: BotContext) -> None:
        await dispatcher.wake()

    # The outbox table says what is due; the job queue only wakes the dispatcher, every few
    # seconds for retries and at once when a change has queued something. A run may take a
    # while (1,000 notices at Telegram's pace): the next wake-up then returns at once.
    job_queue.run_repeating(
        deliver,
        interval=SHARED_OUTBOX_INTERVAL if services.db.shared else OUTBOX_INTERVAL,
        first=1,
        name="outbox",
        job_kwargs={"max_instances": 2},
    )

    # On a database several workers share, the worker that sends the outbox (the leader,
    # bot.jobs.dispatcher) also runs the jobs below; each job's run is recorded in the same
    # transaction as its work (job_runs), so even two leaders would not repeat one.
    async def tidy(_context: BotContext) -> None:
        if await dispatcher.leads():
            await housekeeping.prune(services.db, services.clock)

    job_queue.run_repeating(tidy, interval=timedelta(hours=6), first=10, name="housekeeping")

    async def scheduled_work(_context: BotContext) -> None:
        if not await dispatcher.leads():
            return
        queued = await scheduled.run_due(
            services.db, services.keys, services.cipher, services.clock, services.school_by_id
        )
        if queued:
            await dispatcher.wake()

    # Reminders, digests, reports and retention: due times are read from the database and
    # the clock, so this wake-up (also right after start) makes up anything missed.
    if schedule:
        job_queue.run_repeating(
            scheduled_work, interval=SCHEDULE_INTERVAL, first=3, name="scheduled"
        )

    async def anchor_audit(_context: BotContext) -> None:
        if await dispatcher.leads():
            await anchor(services.db, settings.anchor_file, services.clock)

    # The audit chain's head goes to the anchor file at start and daily (and at shutdown, cli).
    job_queue.run_repeating(anchor_audit, interval=timedelta(days=1), first=0, name="anchor")

    def kick() -> None:
        job_queue.run_once(deliver, 0, name="outbox-now")

    services.outbox_bell.listen(kick)
    return application


def intake_of(app: BotApplication) -> Intake:
    """The intake that fetches and hands out this application's updates."""
    intake: Intake = app.bot_data["intake"]
    return intake


def webhook_server(app: BotApplication, services: Services) -> WebhookServer:
    """The webhook server of this application (``PRIVACYLOKET_WEBHOOK_URL`` is set)."""
    settings = services.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    host, port = settings.listen

    async def ready() -> bool:
        known = len(migration_files(services.db.engine))
        return await services.db.schema_version() == known

    return WebhookServer(
        intake_of(app),
        path=settings.webhook_path,
        secret=settings.webhook_secret.get_secret_value(),
        host=host,
        port=port,
        ready=ready,
    )


async def register_webhook(app: BotApplication, services: Services) -> None:
    """Ask Telegram to post updates to the webhook URL. Pending updates are kept."""
    settings = services.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    await app.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=list(ALLOWED_UPDATES),
        max_connections=MAX_CONNECTIONS,
        drop_pending_updates=False,
    )


async def leave_webhook(app: BotApplication) -> None:
    """Polling: a webhook left from webhook mode would refuse every getUpdates (409)."""
    info = await app.bot.get_webhook_info()
    if info.url:
        log.warning("a webhook was set for this bot; it is removed to poll (updates are kept)")
        await app.bot.delete_webhook(drop_pending_updates=False)


def register_handlers(app: BotApplication) -> None:
    # First of all: only private chats (group -3); nothing of a group is handled or stored.
    app.add_handler(TypeHandler(Update, private.only_private_chats), group=-3)
    # Then the button check (-1). The reader's language is set around each update by the
    # intake (handlers.intake), before any handler runs.
    app.add_handler(TypeHandler(Update, gate.check_button), group=-1)

    # Group 0: the first handler that matches takes the update.
    app.add_handler(CommandHandler("start", onboarding.start))
    app.add_handler(CommandHandler("menu", menu.menu_command))
    app.add_handler(CommandHandler("help", menu.help_command))
    app.add_handler(CommandHandler("language", account.language_command))
    app.add_handler(CommandHandler("privacy", account.privacy_command))
    app.add_handler(CommandHandler("forgetme", account.forgetme_command))
    app.add_handler(CommandHandler("cancel", typed_input.cancel))
    # Staff: the queue, one case, and an action per command; who may not appear in photos,
    # per group and purpose; the head teacher's digest.
    app.add_handler(CommandHandler("queue", staff_screens.queue_command))
    app.add_handler(CommandHandler("case", staff_screens.case_command))
    for name in staff_actions.BY_CASE:
        app.add_handler(CommandHandler(name, staff_actions.command(name)))
    app.add_handler(CommandHandler("consents", consents.consents_command))
    app.add_handler(CommandHandler("digest", digest.digest_command))
    # Every other button, by its action (handlers.router.ROUTES).
    app.add_handler(CallbackQueryHandler(router.on_button))
    # Whatever is left goes to the step the bot waits for (handlers.input): the sign-up's
    # code, date or language; a document for a request; a staff step's text; a request's
    # text (an unknown command there keeps the question open). A photo, a sticker, an
    # unknown command or text out of place gets a short hint (handlers.fallback).
    app.add_handler(MessageHandler(filters.ALL, typed_input.typed))

    app.add_error_handler(on_error)


async def publish_commands(app: BotApplication) -> None:
    """The command list in Telegram's menu, in the language of each person's app."""
    for language_code in (None, *LANGUAGES):
        with use_language(language_or_default(language_code)):
            commands = [BotCommand(name, gettext(text)) for name, text in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language_code)


async def initialize(app: BotApplication, base_url: str) -> None:
    """Initialise the application (its Bot API answers getMe); a Bot API that cannot be
    reached, refuses the token, or is not a Bot API at all is one UserFacingError line."""
    try:
        # PTB logs a server's non-JSON answer with a traceback; we say it in one line.
        with _quiet("telegram.request"):
            await app.initialize()
    except TelegramError as exc:
        raise await _start_error(exc, base_url, app.bot.token) from None


async def _start_error(exc: TelegramError, base_url: str, token: str) -> UserFacingError:
    answered, problem = await _bot_api_problem(base_url, token)
    if problem:
        return UserFacingError(problem)
    if isinstance(exc, NetworkError) or not answered:
        reason = exc.message.splitlines()[0][:120]
        return UserFacingError(f"cannot reach the Bot API at {base_url} ({reason})")
    return UserFacingError("the bot token was refused by the Bot API")


async def _bot_api_problem(base_url: str, token: str) -> tuple[bool, str | None]:
    """(whether ``base_url`` answered at all, why it is not a Bot API or None if it is one).

    Asked only after getMe failed, to tell a refused token or an unreachable server from
    a URL that points at something else (a web server, a 404).
    """
    import httpx

    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{base_url}/bot{token}/getMe")
    except httpx.HTTPError:
        return False, None
    answer: object = None
    with contextlib.suppress(ValueError):
        answer = response.json()
    if isinstance(answer, dict) and isinstance(answer.get("ok"), bool):
        return True, None
    return True, (
        f"{base_url} does not answer like a Telegram Bot API (HTTP {response.status_code}): "
        "check PRIVACYLOKET_API_BASE_URL (default https://api.telegram.org)"
    )


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
