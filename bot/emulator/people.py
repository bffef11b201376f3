"""Simulated people: the chats and groups the bot talks to, and what users do in them
(send text, commands, media and documents, tap buttons), each queued as an update for
getUpdates."""

from __future__ import annotations

import html
import re
import time
from typing import Any

from .models import FakeGroup, FakeUser, JSONDict, SentMessage, buttons_of
from .state import CallbackQuery, EmulatorState, QueuedUpdate
from .telegram_html import utf16_len
from .transcript import format_bot_text

__all__ = ["SimulatedPeople"]

# Telegram marks "/" and 1-32 letters, digits or underscores (optionally @botname) as a command.
BOT_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


class SimulatedPeople(EmulatorState):
    def add_chat(self, user: FakeUser) -> None:
        """Make ``user``'s private chat known without sending anything."""
        self._users[user.id] = user
        self._messages.setdefault(user.id, {})
        self._incoming.setdefault(user.id, {})

    def _user_message(
        self, user: FakeUser, group: FakeGroup | None = None, **content: Any
    ) -> JSONDict:
        self.add_chat(user)
        chat: FakeUser | FakeGroup = user
        if group is not None:
            self.add_group(group)
            chat = group
        message_id = self._alloc_message_id(chat.id)
        self._incoming[chat.id][message_id] = False
        return {
            "message_id": message_id,
            "from": user.to_dict(),
            "chat": chat.chat_dict(),
            "date": int(self.clock.time()),
            **content,
        }

    def add_group(self, group: FakeGroup) -> None:
        """Make a group (or supergroup, or channel) known, the bot being a member."""
        self._groups[group.id] = group
        self._messages.setdefault(group.id, {})
        self._incoming.setdefault(group.id, {})
        self._left.discard(group.id)

    def has_left(self, chat_id: int) -> bool:
        """Whether the bot left the group (leaveChat)."""
        return chat_id in self._left

    def add_bot_to_group(self, user: FakeUser, group: FakeGroup) -> int:
        """``user`` adds the bot to ``group``: a ``my_chat_member`` update; returns its id."""
        self.add_chat(user)
        self.add_group(group)
        bot = self.bot_user
        update = {
            "my_chat_member": {
                "chat": group.chat_dict(),
                "from": user.to_dict(),
                "date": int(self.clock.time()),
                "old_chat_member": {"user": bot, "status": "left"},
                "new_chat_member": {"user": bot, "status": "member"},
            }
        }
        self._add_event(group.id, [f"> {user.first_name} adds the bot to the group"])
        return self._enqueue(update)

    def bot_message_in_group(
        self, group: FakeGroup, text: str, buttons: list[list[tuple[str, str]]]
    ) -> SentMessage:
        """A message with inline buttons the bot once sent in ``group`` (e.g. by an older
        version); tap() works on it."""
        self.add_group(group)
        markup = {
            "inline_keyboard": [
                [{"text": t, "callback_data": d} for t, d in row] for row in buttons
            ]
        }
        msg = SentMessage(
            chat_id=group.id,
            message_id=self._alloc_message_id(group.id),
            date=int(self.clock.time()),
            text=text,
            html=html.escape(text, quote=False),
            reply_markup=markup,
            sent_at=time.monotonic(),
        )
        self._messages[group.id][msg.message_id] = msg
        return msg

    def user_message_deleted(self, chat_id: int, message_id: int) -> bool:
        """Whether the bot deleted this message the user sent."""
        return self._incoming.get(chat_id, {}).get(message_id, False)

    def send_text(self, user: FakeUser, text: str, *, group: FakeGroup | None = None) -> int:
        """The user sends ``text`` (in their private chat, or in ``group``); returns the
        update_id. A leading ``/command`` gets a ``bot_command`` entity like Telegram gives
        it."""
        content: JSONDict = {"text": text}
        match = BOT_COMMAND_RE.match(text)
        if match:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}
            ]
        message = self._user_message(user, group, **content)
        chat_id = group.id if group is not None else user.id
        who = "user" if group is None else user.first_name
        self._add_event(chat_id, format_bot_text(f"> {who}: ", text))
        return self._enqueue({"message": message})

    def send_command(self, user: FakeUser, command: str, args: str = "") -> int:
        """The user sends ``/command args``."""
        text = "/" + command.lstrip("/")
        if args:
            text += " " + args
        return self.send_text(user, text)

    def _file(self, prefix: str) -> JSONDict:
        n = next(self._file_ids)
        return {"file_id": f"{prefix}{n:08d}-fake", "file_unique_id": f"U{prefix}{n:06d}"}

    def _send_media(
        self, user: FakeUser, what: str, caption: str | None, content: JSONDict
    ) -> int:
        if caption:
            content["caption"] = caption
        message = self._user_message(user, **content)
        line = f"> user sends {what}" + (f": {caption}" if caption else "")
        self._add_event(user.id, format_bot_text("", line))
        return self._enqueue({"message": message})

    def _reply(self, user: FakeUser, reply_to: SentMessage | None) -> JSONDict:
        return {} if reply_to is None else {"reply_to_message": self._message_json(reply_to)}

    def send_photo(
        self, user: FakeUser, caption: str | None = None, reply_to: SentMessage | None = None
    ) -> int:
        sizes = [
            {**self._file("AgAC"), "width": w, "height": h, "file_size": w * h // 10}
            for w, h in ((90, 67), (320, 240), (1280, 960))
        ]
        for size in sizes:
            self._known_files[size["file_id"]] = "photo"
        what = "a photo" + (f" in reply to #{reply_to.message_id}" if reply_to else "")
        return self._send_media(
            user, what, caption, {"photo": sizes, **self._reply(user, reply_to)}
        )

    def send_sticker(self, user: FakeUser, emoji: str = "👍") -> int:
        sticker = {
            **self._file("CAAC"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._send_media(user, "a sticker", None, {"sticker": sticker})

    def send_voice(self, user: FakeUser, duration: int = 3) -> int:
        voice = {
            **self._file("AwAC"),
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 8000 * duration,
        }
        return self._send_media(user, "a voice message", None, {"voice": voice})

    def send_document(
        self,
        user: FakeUser,
        file_name: str | None = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        reply_to: SentMessage | None = None,
        content: bytes | None = None,
        file_size: int | None = None,
    ) -> int:
        """The user sends a document; with ``content`` the emulator keeps the bytes, so the
        bot can download it (getFile) and send it on by its file id with those bytes.
        ``file_name=None`` sends a document without a name (Telegram allows it);
        ``file_size`` overrides the size Telegram reports."""
        document: JSONDict = {**self._file("BQAC"), "mime_type": mime_type}
        if file_name is not None:
            document["file_name"] = file_name
        document["file_size"] = 12345 if content is None else len(content)
        if file_size is not None:
            document["file_size"] = file_size
        self._known_files[document["file_id"]] = file_name or "document"
        if content is not None:
            self._file_contents[document["file_id"]] = (content, mime_type)
        return self._send_media(
            user,
            f"a document {file_name if file_name is not None else 'without a name'}"
            + (f" in reply to #{reply_to.message_id}" if reply_to else ""),
            caption,
            {"document": document, **self._reply(user, reply_to)},
        )

    def tap(
        self,
        user: FakeUser,
        message: int | SentMessage,
        button_text: str | None = None,
        *,
        data: str | None = None,
    ) -> tuple[int, str]:
        """The user taps an inline button of a message the bot sent to them.

        Pick the button by its text, or pass ``data`` to forge arbitrary callback data (with
        ``button_text`` too, the button must exist but ``data`` is sent instead of its own).
        Returns ``(update_id, callback_query_id)``. Raises ``LookupError`` if the message or
        the button does not exist (or the message was deleted).
        """
        message_id = message.message_id if isinstance(message, SentMessage) else message
        chat_id = message.chat_id if isinstance(message, SentMessage) else user.id
        msg = self._messages.get(chat_id, {}).get(message_id)
        if msg is None or msg.deleted:
            raise LookupError(f"no message #{message_id} from the bot in chat {chat_id}")
        label: str
        if button_text is not None:
            found = [
                b for row in buttons_of(msg.inline_markup) for b in row if b[0] == button_text
            ]
            if not found:
                raise LookupError(
                    f"message #{message_id} has no inline button {button_text!r}; "
                    f"buttons: {buttons_of(msg.inline_markup)}"
                )
            if data is None:
                data = found[0][1]
                if data is None:
                    raise LookupError(f"button {button_text!r} has no callback_data")
            label = f"> user taps [{button_text}]"
        elif data is not None:
            label = f"> user taps a button with callback data {data!r}"
        else:
            raise ValueError("tap() needs button_text or data")
        self.add_chat(user)
        query_id = str(next(self._callback_ids))
        self._callback_queries[query_id] = CallbackQuery(
            query_id, chat_id, message_id, data, self.clock.time()
        )
        update = {
            "callback_query": {
                "id": query_id,
                "from": user.to_dict(),
                "message": self._message_json(msg),
                "chat_instance": str(-(10**12) - user.id),
                "data": data,
            }
        }
        self._add_event(chat_id, [label])
        return self._enqueue(update), query_id

    def inject(self, update: JSONDict) -> int:
        """Queue a raw update dict (``update_id`` is assigned when missing); returns its id."""
        update = dict(update)
        chat_id: int | None = None
        for key in ("message", "edited_message", "callback_query", "my_chat_member"):
            payload = update.get(key)
            if not isinstance(payload, dict):
                continue
            sender = payload.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                chat_id = int(sender["id"])
                if chat_id not in self._users:
                    self.add_chat(
                        FakeUser(
                            id=chat_id,
                            first_name=str(sender.get("first_name", "Test")),
                            language_code=sender.get("language_code"),
                            username=sender.get("username"),
                        )
                    )
            if chat_id is not None:
                text = payload.get("text")
                if isinstance(text, str):
                    self._add_event(chat_id, format_bot_text("> user: ", text))
                else:
                    self._add_event(chat_id, [f"> user sends a raw {key} update"])
            break
        return self._enqueue(update)

    def redeliver(self, update_id: int) -> int:
        """Queue the exact same update again (same id), as Telegram does when the offset was
        never confirmed. It is returned by the next getUpdates even if its offset passed it."""
        if update_id not in self._updates:
            raise LookupError(f"unknown update_id {update_id}")
        self._queue.append(QueuedUpdate(update_id, next(self._queue_seq), redelivered=True))
        self._notify_updates()
        return update_id

    def update(self, update_id: int) -> JSONDict:
        """The update dict that was queued under ``update_id``."""
        return self._updates[update_id]

    def update_ids(self) -> list[int]:
        """Every update queued so far, in order."""
        return sorted(self._updates)

    def pending_updates(self) -> list[int]:
        """Ids of updates still in the queue (not yet confirmed through ``offset``)."""
        return [q.update_id for q in sorted(self._queue, key=lambda q: (q.update_id, q.seq))]
