-- Privacy requests (cases) with their timeline, the photo-consent ledger and the outbox.

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'consent')),
    status TEXT NOT NULL
        CHECK (status IN ('submitted', 'in_progress', 'resolved', 'rejected', 'withdrawn')),
    student_id INTEGER NOT NULL REFERENCES students(id),
    guardian_id INTEGER NOT NULL REFERENCES guardians(id),
    received_at TEXT NOT NULL,
    due_on TEXT NOT NULL,
    extended_due_on TEXT,
    extension_reason BLOB,
    assignee_role TEXT NOT NULL CHECK (assignee_role IN ('teacher', 'director')),
    assignee_staff_id INTEGER REFERENCES staff(id),
    details TEXT NOT NULL DEFAULT '{}',
    free_text BLOB,
    closed_at TEXT,
    UNIQUE (school_id, year, seq)
);
CREATE INDEX cases_by_guardian ON cases(guardian_id);
CREATE INDEX cases_by_assignee ON cases(assignee_staff_id, status);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events(case_id);

-- Append-only: the effective choice is the newest row per student, guardian and purpose.
CREATE TABLE consent_ledger (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    student_id INTEGER NOT NULL REFERENCES students(id),
    guardian_id INTEGER NOT NULL REFERENCES guardians(id),
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
    at TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id)
);
CREATE INDEX consent_ledger_by_student ON consent_ledger(student_id, purpose);
CREATE TRIGGER consent_ledger_no_update BEFORE UPDATE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;
CREATE TRIGGER consent_ledger_no_delete BEFORE DELETE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;

-- Messages that are not the direct reply to someone's own action, written in the same
-- transaction as the change that caused them; the text is encrypted (it names children).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    school_id INTEGER REFERENCES schools(id),
    chat_id INTEGER NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    body BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'undeliverable')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
