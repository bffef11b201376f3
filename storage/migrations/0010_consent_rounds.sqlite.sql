-- Consent rounds: the school asks every guardian, per child and purpose. A round is one
-- school's; its requests are one per guardian and child, with what happened to each (asked
-- in the bot, reminded, answered, blocked, no longer on the roster). Answers go into the
-- consent ledger like any other, marked with the round (and for a paper form, the staff
-- member who recorded it). Photo checks record that a teacher checked the consent of the
-- children in a photo before publishing it: never the photo, nothing about faces.

CREATE TABLE consent_rounds (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    number INTEGER NOT NULL,
    purposes TEXT NOT NULL,                 -- JSON list of purpose keys, in the order asked
    audience TEXT NOT NULL CHECK (audience IN ('everyone', 'unanswered')),
    message BLOB,                           -- the school's message, encrypted JSON {nl, en}
    started_by INTEGER NOT NULL REFERENCES staff(id),
    started_at TEXT NOT NULL,
    closes_on TEXT NOT NULL,                -- the last local day it asks
    closes_at TEXT NOT NULL,                -- UTC: the start of the day after closes_on
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
    ended_at TEXT,
    ended_by INTEGER REFERENCES staff(id),
    idempotency_key TEXT UNIQUE,
    UNIQUE (school_id, number)
);
CREATE INDEX consent_rounds_by_status ON consent_rounds(status, closes_at);

CREATE TABLE consent_round_requests (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES consent_rounds(id),
    student_id INTEGER NOT NULL REFERENCES students(id),
    guardian_id INTEGER NOT NULL REFERENCES guardians(id),
    added_at TEXT NOT NULL,
    joined_late INTEGER NOT NULL DEFAULT 0 CHECK (joined_late IN (0, 1)),
    asked_at TEXT,                          -- its question was queued in the bot
    outbox_ref TEXT,                        -- that question, for "sent N of M"
    reminders INTEGER NOT NULL DEFAULT 0,
    reminded_at TEXT,
    answered_at TEXT,
    answered_via TEXT CHECK (answered_via IN ('round', 'menu', 'paper')),
    blocked_at TEXT,                        -- the bot could not reach them (blocked, gone)
    stopped_at TEXT,                        -- no longer asked: off the roster, or left
    UNIQUE (round_id, student_id, guardian_id)
);
CREATE INDEX consent_round_requests_by_pair ON consent_round_requests(student_id, guardian_id);
CREATE INDEX consent_round_requests_by_outbox ON consent_round_requests(outbox_ref)
    WHERE outbox_ref IS NOT NULL;
-- Whether a guardian's chat could be reached the last time the bot wrote to it; how many of
-- a round's questions went out (by their keys, without reading the messages).
CREATE INDEX outbox_by_chat ON outbox(chat_id, id);
CREATE INDEX outbox_key_status ON outbox(key, status) WHERE key IS NOT NULL;

-- One row per answer given through a round's question or recorded from a paper form: the
-- key makes a second recording of the same answer (a double tap, a replay after a crash)
-- a no-op.
CREATE TABLE consent_answers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    source TEXT NOT NULL CHECK (source IN ('round', 'paper')),
    round_id INTEGER REFERENCES consent_rounds(id),
    request_id INTEGER REFERENCES consent_round_requests(id),
    student_id INTEGER NOT NULL REFERENCES students(id),
    guardian_id INTEGER NOT NULL REFERENCES guardians(id),
    recorded_by INTEGER REFERENCES staff(id),
    purposes INTEGER NOT NULL,              -- how many purposes were answered
    at TEXT NOT NULL
);
CREATE INDEX consent_answers_by_round ON consent_answers(round_id);

ALTER TABLE consent_ledger ADD COLUMN source TEXT;          -- NULL: the parent, in the menu
ALTER TABLE consent_ledger ADD COLUMN round_id INTEGER REFERENCES consent_rounds(id);
ALTER TABLE consent_ledger ADD COLUMN recorded_by INTEGER REFERENCES staff(id);
-- Each guardian's newest choice per child and purpose, for a whole school at once (the
-- choice itself in the index, so a round's screen reads no ledger row).
CREATE INDEX consent_ledger_latest
    ON consent_ledger(school_id, student_id, guardian_id, purpose, id, granted);

CREATE TABLE photo_checks (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    at TEXT NOT NULL,
    purpose TEXT NOT NULL,
    children INTEGER NOT NULL,
    left_out INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('publish', 'leave_out')),
    idempotency_key TEXT UNIQUE
);
CREATE INDEX photo_checks_by_school ON photo_checks(school_id, at);

-- Which children a check covered and whether it cleared them: a later withdrawal for the
-- same purpose tells the teacher who checked.
CREATE TABLE photo_check_children (
    check_id INTEGER NOT NULL REFERENCES photo_checks(id),
    student_id INTEGER NOT NULL REFERENCES students(id),
    cleared INTEGER NOT NULL CHECK (cleared IN (0, 1)),
    PRIMARY KEY (check_id, student_id)
);
CREATE INDEX photo_check_children_by_student ON photo_check_children(student_id, cleared);
