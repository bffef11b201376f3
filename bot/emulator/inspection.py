"""Inspection: what tests and the demo page read back (calls, errors, messages, callback
answers, commands, transcripts) and how they wait for the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .models import ApiCall, JSONDict, SentMessage
from .state import EmulatorState
from .transcript import render
from .validation import scope_key

__all__ = ["Inspection"]


class Inspection(EmulatorState):
    @property
    def errors(self) -> list[ApiCall]:
        return [c for c in self.calls if 400 <= c.status < 500 and c.fault is None]

    def clear_calls(self) -> None:
        self.calls.clear()

    def calls_to(self, method: str) -> list[ApiCall]:
        key = method.lower()
        return [c for c in self.calls if c.method.lower() == key]

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to ``chat_id`` (current state, deleted ones included)."""
        return sorted(self._messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def last_message(self, chat_id: int) -> SentMessage:
        """The bot's most recent non-deleted message in ``chat_id`` (LookupError if none)."""
        for msg in reversed(self.messages(chat_id)):
            if not msg.deleted:
                return msg
        raise LookupError(f"the bot has no (undeleted) message in chat {chat_id}")

    def button_texts(self, message: SentMessage) -> list[str]:
        return message.button_texts

    def unanswered_callback_queries(self) -> list[str]:
        return [q.id for q in self._callback_queries.values() if not q.answered]

    def callback_answer(self, query_id: str) -> JSONDict | None:
        """The parameters of the answerCallbackQuery call for ``query_id`` (None if none)."""
        query = self._callback_queries.get(query_id)
        return None if query is None else query.answer

    def is_polling(self) -> bool:
        """Whether a getUpdates long poll is waiting for updates right now."""
        return self._active_poll is not None

    def is_blocked(self, user_id: int) -> bool:
        return user_id in self._blocked

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        return list(self._commands.get(scope_key(scope, language_code), []))

    def transcript(self, chat_id: int) -> str:
        return render(e for e in self._events if e.chat_id == chat_id)

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10,  # noqa: ASYNC109 - part of the public API
        *,
        message: str = "",
    ) -> None:
        """Poll ``predicate`` until it is true; ``TimeoutError`` after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise TimeoutError(message or f"condition not met within {timeout} s")
            await asyncio.sleep(0.005)

    def _is_delivered(self, update_id: int) -> bool:
        if self._delivery_counts.get(update_id, 0) == 0:
            return False
        return not any(q.update_id == update_id and not q.delivered for q in self._queue)

    async def wait_delivered(
        self,
        update_id: int,
        timeout: float = 10,  # noqa: ASYNC109 - part of the public API
    ) -> None:
        """Wait until update ``update_id`` (and any redelivery of it) was returned by
        getUpdates."""
        await self.wait_for(
            lambda: self._is_delivered(update_id),
            timeout,
            message=f"update {update_id} not delivered within {timeout} s",
        )
