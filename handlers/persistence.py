"""PTB persistence in the database: each person's data and each chat's data, encrypted JSON.

State is written when the update that changed it is done, in the same transaction that
marks the update handled in the inbox (handlers.intake), and only the state of the person
that update came from: another chat's update still running never has half its changes
saved. PTB's own interval writes are not used.

On a database that several workers share, PTB's copy in memory would go stale the moment
another worker handles the same person. There nothing is loaded at start: the intake loads
a person's state fresh when it takes the lease on their updates (``load_person``), and drops
it when it lets go (``forget_person``); only the lease holder writes it.

Versions that ran the sign-up as a ``ConversationHandler`` kept its state as a conversation;
it is read once into the person's ``UserData.sign_up`` and removed with their next update.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.security import contexts
from bot.security.crypto import Cipher, DecryptionError
from handlers.context import ChatData, UserData
from storage import bot_state
from storage.db import Connection, Database

log = logging.getLogger(__name__)

Data = dict[str, Any]

# PTB wants an interval; its timer only writes what the intake already wrote.
_UNUSED_INTERVAL = 24 * 3600.0

_OLD_SIGN_UP = "conversation:onboarding"


@dataclass(frozen=True, slots=True)
class StateChange:
    kind: str
    key: str
    value: str | None
    """The JSON text to store, or None to delete."""


class SqlitePersistence(BasePersistence[UserData, ChatData, Data]):
    def __init__(self, db: Database, cipher: Cipher) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=_UNUSED_INTERVAL,
        )
        self._db = db
        self._cipher = cipher
        self._written: dict[tuple[str, str], str] = {}
        self.per_person = db.shared
        """Load state per person when their updates are served, never all at start."""

    def _seal(self, kind: str, key: str, value: str) -> bytes:
        return self._cipher.encrypt(value.encode(), contexts.bot_state(kind, key))

    def _open(self, kind: str, key: str, blob: bytes) -> tuple[str, Any] | None:
        try:
            text = self._cipher.decrypt(blob, contexts.bot_state(kind, key)).decode()
            return text, json.loads(text)
        except (DecryptionError, ValueError):
            log.warning("dropping unreadable %s state", kind)
            return None

    async def _load(self, kind: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.per_person:
            return found
        for key, blob in (await bot_state.load(self._db.reader, kind)).items():
            opened = self._open(kind, key, blob)
            if opened is not None:
                self._written[(kind, key)] = opened[0]
                found[key] = opened[1]
        return found

    # --- per person, on a shared database ---------------------------------------------------

    async def load_person(
        self, application: Application[Any, Any, Any, Any, Any, Any], user_id: int
    ) -> None:
        """Replace what the application holds for this person with what is stored now."""
        self.forget_person(application, user_id)
        old_key = f"{user_id}:{user_id}"
        stored = await bot_state.for_keys(self._db.reader, [str(user_id), old_key])
        user: object = None
        old_sign_up: object = None
        for kind, key, blob in stored:
            opened = self._open(kind, key, blob)
            if opened is None:
                continue
            text, value = opened
            self._written[(kind, key)] = text
            if kind == "user" and key == str(user_id):
                user = value
            elif kind == "chat" and key == str(user_id):
                application._chat_data[user_id] = ChatData.from_json(value)
            elif kind == _OLD_SIGN_UP and key == old_key:
                old_sign_up = value
        if old_sign_up is not None:
            user = _with_old_sign_up(user, old_sign_up)
        if user is not None:
            application._user_data[user_id] = UserData.from_json(user)

    def forget_person(
        self, application: Application[Any, Any, Any, Any, Any, Any], user_id: int
    ) -> None:
        """Drop this person's state from memory (the stored state stays)."""
        application._user_data.pop(user_id, None)
        application._chat_data.pop(user_id, None)
        for kind, key in list(self._written):
            if key in (str(user_id), f"{user_id}:{user_id}"):
                del self._written[(kind, key)]

    # --- written by the intake -----------------------------------------------------------

    def changes_for(
        self, application: Application[Any, Any, Any, Any, Any, Any], user_id: int
    ) -> list[StateChange]:
        """What differs from the stored state of this person (private chat id == user id)."""
        user, chat = application.user_data.get(user_id), application.chat_data.get(user_id)
        current: list[tuple[str, str, object]] = [
            ("user", str(user_id), user.to_json() if isinstance(user, UserData) else None),
            ("chat", str(user_id), chat.to_json() if isinstance(chat, ChatData) else None),
        ]
        current.append((_OLD_SIGN_UP, f"{user_id}:{user_id}", None))
        changes = []
        for kind, name, value in current:
            text = None if value is None or value == {} else json.dumps(value, sort_keys=True)
            if text != self._written.get((kind, name)):
                changes.append(StateChange(kind, name, text))
        return changes

    async def write(self, conn: Connection, changes: list[StateChange]) -> None:
        for change in changes:
            blob = (
                None if change.value is None else self._seal(change.kind, change.key, change.value)
            )
            await bot_state.save(conn, change.kind, change.key, blob)

    def committed(self, changes: list[StateChange]) -> None:
        for change in changes:
            if change.value is None:
                self._written.pop((change.kind, change.key), None)
            else:
                self._written[(change.kind, change.key)] = change.value

    # --- BasePersistence -----------------------------------------------------------------

    async def get_user_data(self) -> dict[int, UserData]:
        stored = {int(k): v for k, v in (await self._load("user")).items()}
        for key, state in (await self._load(_OLD_SIGN_UP)).items():
            user_id = int(key.split(":")[0])
            stored[user_id] = _with_old_sign_up(stored.get(user_id), state)
        return {user_id: UserData.from_json(data) for user_id, data in stored.items()}

    async def get_chat_data(self) -> dict[int, ChatData]:
        return {int(k): ChatData.from_json(v) for k, v in (await self._load("chat")).items()}

    async def get_bot_data(self) -> Data:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}  # the bot has no ConversationHandler

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        pass

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        pass

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        pass

    async def update_bot_data(self, data: Data) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        pass

    async def refresh_bot_data(self, bot_data: Data) -> None:
        pass

    async def flush(self) -> None:
        pass


def _with_old_sign_up(data: object, state: object) -> dict[str, Any]:
    """A person's data as an older version stored it, with the sign-up's conversation
    state, as this version stores it (the drafts of that version are left behind)."""
    old = data if isinstance(data, dict) else {}
    invitation, language = old.get("pending_invitation"), old.get("suggested_language")
    if state == "birth_date" and isinstance(invitation, int) and isinstance(language, str):
        sign_up = {"tag": "sign_up.birth_date", "invitation": invitation, "language": language}
    elif state == "language":
        sign_up = {"tag": "sign_up.language"}
    else:
        sign_up = {"tag": "sign_up.code"}
    return {"sign_up": sign_up}
