-- Restriction (AVG art. 18) and objection (art. 21) become request kinds, and a case
-- carries the idempotency key of the draft it came from, so a request confirmed twice
-- (a double tap, or again after a crash) is one case. SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt as its documentation describes.

CREATE TABLE cases_new (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN (
        'access', 'rectification', 'erasure', 'consent', 'restriction', 'objection'
    )),
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
    idempotency_key TEXT UNIQUE,
    UNIQUE (school_id, year, seq)
);
INSERT INTO cases_new (
    id, school_id, year, seq, kind, status, student_id, guardian_id, received_at, due_on,
    extended_due_on, extension_reason, assignee_role, assignee_staff_id, details, free_text,
    closed_at
)
SELECT
    id, school_id, year, seq, kind, status, student_id, guardian_id, received_at, due_on,
    extended_due_on, extension_reason, assignee_role, assignee_staff_id, details, free_text,
    closed_at
FROM cases;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE INDEX cases_by_guardian ON cases(guardian_id);
CREATE INDEX cases_by_assignee ON cases(assignee_staff_id, status);
