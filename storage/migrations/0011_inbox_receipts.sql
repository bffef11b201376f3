-- A handled update leaves a receipt (its id and when, the payload blanked) instead of going at
-- once: a webhook post that Telegram retries after the update was handled (the answer was
-- lost) is then recognised by its id and ignored. Receipts are pruned after two days;
-- Telegram gives up on an update after a day.
ALTER TABLE inbox ADD COLUMN handled_at TEXT;
CREATE INDEX inbox_pending_by_chat ON inbox(chat_key, update_id)
    WHERE handled_at IS NULL AND failed_at IS NULL;
