"""The Bot API methods the emulator implements, each checked as Telegram checks it and
recorded in the transcript."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from .errors import (
    BLOCKED,
    CAPTION_TOO_LONG,
    CHAT_NOT_FOUND,
    CONFLICT,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    MESSAGE_TOO_LONG,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad,
)
from .models import FakeGroup, FakeUser, JSONDict, SentMessage
from .state import MethodHandler, Poll, Request
from .transcript import format_bot_text, format_markup
from .validation import (
    CHAT_ACTIONS,
    COMMAND_NAME_RE,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    as_bool,
    as_int,
    format_text,
    message_id_of,
    scope_key,
    validate_markup,
)
from .webhook import WebhookDelivery

__all__ = ["BotApiMethods"]


class BotApiMethods(WebhookDelivery):
    def _bot_api_methods(self) -> dict[str, tuple[str, MethodHandler]]:
        """Every implemented method by its lower-case name: (its name, its handler)."""
        table: tuple[tuple[str, MethodHandler], ...] = (
            ("getMe", self._api_get_me),
            ("logOut", self._api_true),
            ("close", self._api_true),
            ("setWebhook", self._api_set_webhook),
            ("deleteWebhook", self._api_delete_webhook),
            ("getWebhookInfo", self._api_get_webhook_info),
            ("setMyCommands", self._api_set_my_commands),
            ("getMyCommands", self._api_get_my_commands),
            ("deleteMyCommands", self._api_delete_my_commands),
            ("setChatMenuButton", self._api_set_chat_menu_button),
            ("getChatMenuButton", self._api_get_chat_menu_button),
            ("getUpdates", self._api_get_updates),
            ("sendMessage", self._api_send_message),
            ("editMessageText", self._api_edit_message_text),
            ("editMessageReplyMarkup", self._api_edit_message_reply_markup),
            ("deleteMessage", self._api_delete_message),
            ("answerCallbackQuery", self._api_answer_callback_query),
            ("sendDocument", self._api_send_document),
            ("sendPhoto", self._api_send_photo),
            ("getFile", self._api_get_file),
            ("sendChatAction", self._api_send_chat_action),
            ("leaveChat", self._api_leave_chat),
        )
        return {name.lower(): (name, handler) for name, handler in table}

    def _chat(self, params: JSONDict, *, sending: bool = True) -> FakeUser | FakeGroup:
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise bad("Bad Request: chat_id is empty")
        chat_id = as_int(params["chat_id"])
        if chat_id is not None and chat_id in self._groups:
            if chat_id in self._left:
                raise ApiError(403, "Forbidden: bot is not a member of the group chat")
            return self._groups[chat_id]
        if chat_id is None or chat_id not in self._users:
            raise bad(CHAT_NOT_FOUND)
        if sending and chat_id in self._blocked:
            raise ApiError(403, BLOCKED, fault="blocked")
        return self._users[chat_id]

    def _bot_message_event(self, msg: SentMessage) -> None:
        self._add_event(
            msg.chat_id, format_bot_text("< bot: ", msg.text) + format_markup(msg.reply_markup)
        )

    def _sent(self, chat: FakeUser | FakeGroup, message_id: int) -> SentMessage | None:
        msg = self._messages.get(chat.id, {}).get(message_id)
        return None if msg is None or msg.deleted else msg

    async def _api_true(self, req: Request) -> Any:
        return True

    async def _api_get_me(self, req: Request) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_delete_webhook(self, req: Request) -> Any:
        await self._stop_webhook()
        self._webhook_url = ""
        self._webhook = {}
        if as_bool(req.params.get("drop_pending_updates", False)):
            self._queue.clear()
        return True

    async def _api_get_webhook_info(self, req: Request) -> Any:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
            **(self._webhook_info() if self._webhook_url else {}),
        }

    async def _api_set_my_commands(self, req: Request) -> Any:
        commands = req.params.get("commands")
        if not isinstance(commands, list):
            raise bad("Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("Bad Request: too many commands")
        clean: list[JSONDict] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad("Bad Request: can't parse BotCommand")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not COMMAND_NAME_RE.match(command):
                raise bad("Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        key = scope_key(req.params.get("scope"), req.params.get("language_code"))
        self._commands[key] = clean
        return True

    async def _api_get_my_commands(self, req: Request) -> Any:
        key = scope_key(req.params.get("scope"), req.params.get("language_code"))
        return self._commands.get(key, [])

    async def _api_delete_my_commands(self, req: Request) -> Any:
        key = scope_key(req.params.get("scope"), req.params.get("language_code"))
        self._commands.pop(key, None)
        return True

    async def _api_set_chat_menu_button(self, req: Request) -> Any:
        chat_id: int | None = None
        if "chat_id" in req.params:
            chat_id = self._chat(req.params, sending=False).id
        button = req.params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad("Bad Request: can't parse menu button")
        self._menu_buttons[chat_id] = button
        return True

    async def _api_get_chat_menu_button(self, req: Request) -> Any:
        chat_id: int | None = None
        if "chat_id" in req.params:
            chat_id = self._chat(req.params, sending=False).id
        return self._menu_buttons.get(chat_id, self._menu_buttons.get(None, {"type": "commands"}))

    async def _api_get_updates(self, req: Request) -> Any:
        params = req.params
        offset = as_int(params.get("offset")) or 0
        limit = as_int(params.get("limit")) or 100
        limit = max(1, min(100, limit))
        try:
            timeout = float(params.get("timeout") or 0)
        except (TypeError, ValueError):
            timeout = 0.0
        timeout = max(0.0, timeout)

        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
                fault="conflict",
            )
        if self._active_poll is not None:  # Telegram terminates the older long poll
            self._active_poll.terminated = True
            self._notify_updates()
        poll = Poll()
        self._active_poll = poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            self._confirm(offset)
            while True:
                ready = sorted(self._queue, key=lambda q: (q.update_id, q.seq))[:limit]
                if ready or self._closing is None or self._closing.is_set():
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                changed = self._updates_changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
                if poll.terminated:
                    raise ApiError(409, CONFLICT, fault="conflict")
        finally:
            if self._active_poll is poll:
                self._active_poll = None
        for entry in ready:
            entry.delivered = True
            self._delivery_counts[entry.update_id] = (
                self._delivery_counts.get(entry.update_id, 0) + 1
            )
        return [self._updates[entry.update_id] for entry in ready]

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._queue = [
                q
                for q in self._queue
                if q.update_id >= offset or (q.redelivered and not q.delivered)
            ]
        elif offset < 0:
            ordered = sorted(self._queue, key=lambda q: (q.update_id, q.seq))
            self._queue = ordered[offset:]

    async def _api_send_message(self, req: Request) -> Any:
        p = req.params
        chat = self._chat(p)
        text, source, mode, entities = format_text(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            too_long=MESSAGE_TOO_LONG,
            allow_empty=False,
        )
        markup = validate_markup(p.get("reply_markup"))
        msg = SentMessage(
            chat_id=chat.id,
            message_id=self._alloc_message_id(chat.id),
            date=int(self.clock.time()),
            text=text,
            html=source,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            sent_at=time.monotonic(),
        )
        self._messages.setdefault(chat.id, {})[msg.message_id] = msg
        self._bot_message_event(msg)
        return self._message_json(msg)

    async def _api_send_document(self, req: Request) -> Any:
        p = req.params
        chat = self._chat(p)
        upload = req.files.get("document")
        if upload is not None:
            name, content, mime = upload.filename, upload.content, upload.content_type
        elif isinstance(p.get("document"), str) and p["document"] in self._known_files:
            # Sent again by file id: Telegram keeps the file's name.
            name = self._known_files[p["document"]]
            content, mime = self._file_contents.get(p["document"], (b"", None))
        elif isinstance(p.get("document"), str) and p["document"]:
            if not p["document"].startswith(("http://", "https://", "attach://")):
                raise bad("Bad Request: wrong file identifier/HTTP URL specified")
            name, content, mime = str(p["document"]), b"", None
        else:
            raise bad("Bad Request: there is no document in the request")
        return self._bot_sends_media(
            chat,
            p,
            f"< bot sends document {name}",
            document=(name, content),
            document_mime_type=mime,
        )

    def _bot_sends_media(
        self, chat: FakeUser | FakeGroup, p: JSONDict, event: str, **media: Any
    ) -> Any:
        """A document or photo with its caption and keyboard, checked as Telegram does."""
        caption, source, mode, entities = format_text(
            p.get("caption"),
            p.get("parse_mode"),
            p.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long=CAPTION_TOO_LONG,
            allow_empty=True,
        )
        markup = validate_markup(p.get("reply_markup"))
        msg = SentMessage(
            chat_id=chat.id,
            message_id=self._alloc_message_id(chat.id),
            date=int(self.clock.time()),
            text="",
            html=source,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
            caption=caption or None,
            sent_at=time.monotonic(),
            **media,
        )
        self._messages.setdefault(chat.id, {})[msg.message_id] = msg
        lines = [event]
        if caption:
            lines += format_bot_text("   caption: ", caption)
        self._add_event(chat.id, lines + format_markup(markup))
        return self._message_json(msg)

    async def _api_send_photo(self, req: Request) -> Any:
        """A photo by the file id of one a user sent (uploads are not needed by the bot)."""
        p = req.params
        chat = self._chat(p)
        file_id = p.get("photo")
        if not isinstance(file_id, str) or self._known_files.get(file_id) != "photo":
            raise bad("Bad Request: wrong file identifier/HTTP URL specified")
        return self._bot_sends_media(chat, p, "< bot sends a photo", photo=file_id)

    def _edit_target(self, p: JSONDict) -> SentMessage:
        if "inline_message_id" in p:
            raise bad("Bad Request: inline_message_id is not supported by the fake Bot API")
        chat = self._chat(p)
        msg = self._sent(chat, message_id_of(p))
        if msg is None:
            raise bad(EDIT_NOT_FOUND)
        return msg

    async def _api_edit_message_text(self, req: Request) -> Any:
        p = req.params
        msg = self._edit_target(p)
        if msg.document is not None or msg.photo is not None:
            raise bad("Bad Request: there is no text in the message to edit")
        text, source, mode, entities = format_text(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            too_long=MESSAGE_TOO_LONG,
            allow_empty=False,
        )
        markup = validate_markup(p.get("reply_markup"), inline_only=True)
        if text == msg.text and entities == msg.entities and markup == msg.inline_markup:
            raise bad(NOT_MODIFIED)
        msg.history.append(msg.text)
        msg.text, msg.html, msg.parse_mode, msg.entities = text, source, mode, entities
        if markup is not None or msg.inline_markup is not None:
            msg.reply_markup = markup
        msg.edits += 1
        msg.edit_date = int(self.clock.time())
        self._add_event(
            msg.chat_id,
            format_bot_text(f"< bot edits #{msg.message_id}: ", text) + format_markup(markup),
        )
        return self._message_json(msg)

    async def _api_edit_message_reply_markup(self, req: Request) -> Any:
        p = req.params
        msg = self._edit_target(p)
        markup = validate_markup(p.get("reply_markup"), inline_only=True)
        if markup == msg.inline_markup:
            raise bad(NOT_MODIFIED)
        msg.reply_markup = markup
        msg.edits += 1
        msg.edit_date = int(self.clock.time())
        if markup is None:
            lines = [f"< bot edits #{msg.message_id}: (buttons removed)"]
        else:
            lines = [f"< bot edits #{msg.message_id} buttons:", *format_markup(markup)]
        self._add_event(msg.chat_id, lines)
        return self._message_json(msg)

    async def _api_delete_message(self, req: Request) -> Any:
        p = req.params
        chat = self._chat(p, sending=False)
        message_id = message_id_of(p)
        msg = self._sent(chat, message_id)
        if msg is not None:
            msg.deleted = True
            self._add_event(chat.id, [f"< bot deletes #{message_id}"])
            return True
        incoming = self._incoming.get(chat.id, {})
        if incoming.get(message_id) is False:
            incoming[message_id] = True
            self._add_event(chat.id, [f"< bot deletes the user's message #{message_id}"])
            return True
        raise bad(DELETE_NOT_FOUND)

    async def _api_answer_callback_query(self, req: Request) -> Any:
        p = req.params
        query_id = str(p.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if (
            query is None
            or query.answered
            or self.clock.time() - query.created > self.callback_query_timeout
        ):
            raise bad(QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and not isinstance(text, str):
            text = str(text)
        if text and len(text) > 200:
            raise bad("Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = dict(p)
        if text:
            kind = "alert" if as_bool(p.get("show_alert", False)) else "toast"
            self._add_event(query.chat_id, format_bot_text(f"< bot ({kind}): ", text))
        else:
            self.notify_change()  # a silent answer still ends the button's loading
        return True

    async def _api_leave_chat(self, req: Request) -> Any:
        chat = self._chat(req.params, sending=False)
        if chat.id not in self._groups:
            raise bad("Bad Request: chat member status can't be changed in private chats")
        self._left.add(chat.id)
        self._add_event(chat.id, ["< bot leaves the group"])
        return True

    async def _api_send_chat_action(self, req: Request) -> Any:
        p = req.params
        self._chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad("Bad Request: wrong parameter action in request")
        return True

    async def _api_get_file(self, req: Request) -> Any:
        file_id = req.params.get("file_id")
        if not isinstance(file_id, str) or file_id not in self._known_files:
            raise bad("Bad Request: invalid file_id")
        data: JSONDict = {"file_id": file_id, "file_unique_id": f"U{file_id}"}
        if file_id in self._file_contents:
            data["file_size"] = len(self._file_contents[file_id][0])
            data["file_path"] = f"documents/{file_id}"
        return data
