-- Schools, people, invitations, Telegram account links, audit trail and bot state.
-- Times are UTC ISO-8601 text with microseconds (see storage.db.to_db).

CREATE TABLE schools (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE school_groups (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE students (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    external_id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date_mac TEXT NOT NULL,
    group_id INTEGER REFERENCES school_groups(id),
    left_at TEXT,
    UNIQUE (school_id, external_id)
);

CREATE TABLE guardians (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    UNIQUE (school_id, external_id)
);

CREATE TABLE guardian_students (
    guardian_id INTEGER NOT NULL REFERENCES guardians(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX guardian_students_by_student ON guardian_students(student_id);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('teacher', 'director', 'privacy_officer')),
    created_at TEXT NOT NULL
);

CREATE TABLE staff_groups (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES school_groups(id),
    PRIMARY KEY (staff_id, group_id)
);
CREATE INDEX staff_groups_by_group ON staff_groups(group_id);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    code_mac TEXT NOT NULL UNIQUE,
    guardian_id INTEGER REFERENCES guardians(id),
    staff_id INTEGER REFERENCES staff(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    revoked_at TEXT,
    birth_date_failures INTEGER NOT NULL DEFAULT 0,
    CHECK ((guardian_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX invitations_by_guardian ON invitations(guardian_id);

CREATE TABLE accounts (
    telegram_user_id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    created_at TEXT NOT NULL
);

CREATE TABLE account_links (
    id INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL REFERENCES accounts(telegram_user_id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    guardian_id INTEGER REFERENCES guardians(id),
    staff_id INTEGER REFERENCES staff(id),
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    linked_at TEXT NOT NULL,
    CHECK ((guardian_id IS NULL) <> (staff_id IS NULL)),
    UNIQUE (telegram_user_id, guardian_id),
    UNIQUE (telegram_user_id, staff_id)
);
CREATE INDEX account_links_by_guardian ON account_links(guardian_id);
CREATE INDEX account_links_by_staff ON account_links(staff_id);

-- Per Telegram account, keyed by a pseudonym: failed code or date attempts back off.
CREATE TABLE login_backoff (
    account TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    blocked_until TEXT NOT NULL
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL
);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);

-- PTB persistence: user data, chat data and conversation states, encrypted JSON.
CREATE TABLE bot_state (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (kind, key)
);

-- One row: a MAC that tells whether the configured secret belongs to this database.
CREATE TABLE deployment (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_check TEXT NOT NULL
);
