"""The composition root: every Telegram handler is registered here, in order."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import timedelta

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.i18n import gettext, use_language
from bot.jobs import housekeeping
from bot.jobs.outbox import Dispatcher
from bot.services import Services
from handlers import account, fallback, gate, router
from handlers.callbacks import CallbackCodec
from handlers.commands import COMMANDS
from handlers.context import BotApplication, BotContext
from handlers.errors import on_error
from handlers.outbox_sender import TelegramSender
from handlers.parent import menu, onboarding, requests
from handlers.persistence import SqlitePersistence
from handlers.staff import actions as staff_actions
from handlers.staff import input as staff_input
from handlers.staff import screens as staff_screens
from handlers.update_processor import ChatOrderedProcessor
from storage import processed_updates
from storage.db import to_db

log = logging.getLogger(__name__)

# ConversationHandler warns that buttons are tracked per chat, not per message: intended.
warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)

OUTBOX_INTERVAL = 5


def build_application(
    services: Services,
    *,
    persistence_interval: float = 2,
    on_update_done: Callable[[int], None] | None = None,
    rate_limit: bool = True,
) -> BotApplication:
    settings = services.settings
    if settings.bot_token is None:
        raise ValueError("no bot token")

    async def claim(update_id: int) -> bool:
        async with services.db.transaction() as conn:
            return await processed_updates.claim(conn, update_id, to_db(services.clock.now()))

    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(f"{settings.api_base_url}/bot")
        .base_file_url(f"{settings.api_base_url}/file/bot")
        # Updates run concurrently across chats; they should not queue for one connection.
        .connection_pool_size(16)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .persistence(SqlitePersistence(services.db, services.cipher, persistence_interval))
        .concurrent_updates(ChatOrderedProcessor(claim, on_done=on_update_done))
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))  # type: ignore[arg-type]
    application: BotApplication = builder.build()
    application.bot_data["services"] = services
    application.bot_data["codec"] = CallbackCodec(services.keys.callbacks)
    register_handlers(application)

    sender = TelegramSender(application.bot, application.bot_data["codec"])
    dispatcher = Dispatcher(
        services.db,
        services.cipher,
        services.clock,
        sender,
        attachment_sender=sender.attachment,
    )
    application.bot_data["dispatcher"] = dispatcher
    job_queue = application.job_queue
    assert job_queue is not None

    async def deliver(_context: BotContext) -> None:
        await dispatcher.run_once()

    # The outbox table says what is due; the job queue only wakes the dispatcher, every few
    # seconds for retries and at once when a change has queued something.
    job_queue.run_repeating(deliver, interval=OUTBOX_INTERVAL, first=1, name="outbox")

    async def tidy(_context: BotContext) -> None:
        await housekeeping.prune(services.db, services.clock)

    job_queue.run_repeating(tidy, interval=timedelta(hours=6), first=10, name="housekeeping")

    def kick() -> None:
        job_queue.run_once(deliver, 0, name="outbox-now")

    services.cases.kick = kick
    return application


def register_handlers(app: BotApplication) -> None:
    # Before anything else: the reader's language (group -2), then the button check (-1).
    app.add_handler(TypeHandler(Update, gate.set_locale), group=-2)
    app.add_handler(TypeHandler(Update, gate.check_button), group=-1)

    # Group 0: the first handler that matches takes the update.
    app.add_handler(onboarding.build())
    app.add_handler(CommandHandler("menu", menu.menu_command))
    app.add_handler(CommandHandler("help", menu.help_command))
    app.add_handler(CommandHandler("language", account.language_command))
    app.add_handler(CommandHandler("privacy", account.privacy_command))
    app.add_handler(CommandHandler("forgetme", account.forgetme_command))
    app.add_handler(CommandHandler("cancel", requests.cancel))
    # Staff: the queue, one case, and an action per command (private chats only).
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("queue", staff_screens.queue_command, filters=private))
    app.add_handler(CommandHandler("case", staff_screens.case_command, filters=private))
    for name in staff_actions.BY_CASE:
        app.add_handler(CommandHandler(name, staff_actions.command(name), filters=private))
    # Every other button, by its action (handlers.router.ROUTES).
    app.add_handler(CallbackQueryHandler(router.on_button))
    # Typed answers (a staff step's text or documents, a request's question); anything
    # else gets a short hint.
    app.add_handler(MessageHandler(filters.ALL & ~filters.COMMAND, staff_input.typed))
    # Whatever is left: a photo, a sticker, an unknown command, text out of place.
    app.add_handler(MessageHandler(filters.ALL, fallback.unexpected))

    app.add_error_handler(on_error)


async def publish_commands(app: BotApplication) -> None:
    """The command list in Telegram's menu, in the language of each person's app."""
    for language_code in (None, "nl", "en"):
        with use_language("en" if language_code == "en" else "nl"):
            commands = [BotCommand(name, gettext(text)) for name, text in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language_code)
