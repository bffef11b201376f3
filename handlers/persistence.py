"""PTB persistence in SQLite: user data, chat data and conversation states, encrypted."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.security.crypto import Cipher, DecryptionError
from storage import bot_state
from storage.db import Database

log = logging.getLogger(__name__)

Data = dict[str, Any]


class SqlitePersistence(BasePersistence[Data, Data, Data]):
    def __init__(self, db: Database, cipher: Cipher, update_interval: float = 2) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._db = db
        self._cipher = cipher

    def _seal(self, kind: str, key: str, value: object) -> bytes:
        return self._cipher.encrypt(json.dumps(value).encode(), f"bot_state:{kind}:{key}")

    async def _load(self, kind: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, blob in (await bot_state.load(self._db.reader, kind)).items():
            try:
                found[key] = json.loads(self._cipher.decrypt(blob, f"bot_state:{kind}:{key}"))
            except (DecryptionError, ValueError):
                log.warning("dropping unreadable %s state", kind)
        return found

    async def _save(self, kind: str, key: str, value: object | None) -> None:
        blob = None if value is None or value == {} else self._seal(kind, key, value)
        async with self._db.transaction() as conn:
            await bot_state.save(conn, kind, key, blob)

    async def get_user_data(self) -> dict[int, Data]:
        return {int(k): v for k, v in (await self._load("user")).items()}

    async def get_chat_data(self) -> dict[int, Data]:
        return {int(k): v for k, v in (await self._load("chat")).items()}

    async def get_bot_data(self) -> Data:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        stored = await self._load(f"conversation:{name}")
        return {tuple(_key_part(p) for p in k.split(":")): v for k, v in stored.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        await self._save(f"conversation:{name}", ":".join(map(str, key)), new_state)

    async def update_user_data(self, user_id: int, data: Data) -> None:
        await self._save("user", str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        await self._save("chat", str(chat_id), data)

    async def update_bot_data(self, data: Data) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._save("chat", str(chat_id), None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._save("user", str(user_id), None)

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        pass

    async def refresh_bot_data(self, bot_data: Data) -> None:
        pass

    async def flush(self) -> None:
        pass


def _key_part(part: str) -> int | str:
    return int(part) if part.lstrip("-").isdigit() else part
