"""Messages that are not commands: a staff step's text or documents first, else the
parent's request text (handlers.parent.requests)."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.parent import requests
from handlers.staff import answering, documents


async def typed(update: Update, context: BotContext) -> None:
    if await documents.file_sent(update, context):
        return
    if await answering.text_typed(update, context):
        return
    await requests.text_typed(update, context)
