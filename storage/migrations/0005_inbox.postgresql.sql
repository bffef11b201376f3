-- The durable intake: every update received from Telegram is written here before Telegram
-- is told it was received, and deleted when it has been handled. A row that could not be
-- handled keeps the error type. It replaces the per-update claim table.

CREATE TABLE inbox (
    update_id BIGINT PRIMARY KEY,
    chat_key BIGINT NOT NULL,
    payload BYTEA NOT NULL,
    received_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    failed_at TEXT,
    error TEXT
);

CREATE TABLE intake_offset (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_offset BIGINT NOT NULL
);

DROP TABLE processed_updates;

-- Accounts are addressed by the user's id (their private chat), never by a group's id.
UPDATE accounts SET chat_id = telegram_user_id WHERE chat_id != telegram_user_id;
DELETE FROM bot_state WHERE key LIKE '-%';
