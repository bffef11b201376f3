-- Staff handle cases: an outcome with a message to the parent, the staff member behind each
-- timeline event, internal notes, the documents delivered for an access request, the
-- recipients confirmed as informed of a correction or erasure (AVG art. 19), and outbox
-- messages that carry a document or photo (by Telegram file id, never the bytes).

ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN outcome_message BLOB;
ALTER TABLE cases ADD COLUMN outcome_details TEXT NOT NULL DEFAULT '{}';

ALTER TABLE case_events ADD COLUMN staff_id INTEGER REFERENCES staff(id);

CREATE TABLE case_notes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    at TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes(case_id);

-- kind is 'document' or 'photo'; file_name is encrypted (it may name the child).
CREATE TABLE case_attachments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('document', 'photo')),
    file_id TEXT NOT NULL,
    file_name BLOB,
    delivered_at TEXT,
    received_at TEXT
);
CREATE INDEX case_attachments_by_case ON case_attachments(case_id);

CREATE TABLE case_recipients_informed (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    recipient TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, recipient)
);

-- Encrypted JSON {"kind": "document"|"photo", "file_id": ..., "file_name": ...} (the name may
-- name the child); the message text is its caption.
ALTER TABLE outbox ADD COLUMN attachment BLOB;
