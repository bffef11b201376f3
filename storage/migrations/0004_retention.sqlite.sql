-- Retention: the consent ledger stays append-only for everyone but the retention job, which
-- may purge the rows of a pupil who left long ago by first naming the pupil here (and
-- writing an audit event in the same transaction). A removed pupil keeps a row without any
-- personal data, so that the accountability record of their cases stays whole.

CREATE TABLE consent_ledger_purge (student_id INTEGER PRIMARY KEY);

DROP TRIGGER consent_ledger_no_delete;
CREATE TRIGGER consent_ledger_no_delete BEFORE DELETE ON consent_ledger
WHEN NOT EXISTS (SELECT 1 FROM consent_ledger_purge WHERE student_id = OLD.student_id)
BEGIN
    SELECT RAISE(ABORT, 'the consent ledger is append-only');
END;

ALTER TABLE students ADD COLUMN removed_at TEXT;
ALTER TABLE guardians ADD COLUMN removed_at TEXT;

-- What scheduled work ran for which period (a digest for a day, a reminder for a case and
-- due date): inserted in the same transaction as the work, so that a restart, a missed run
-- or two overlapping runs neither lose nor repeat one.
CREATE TABLE job_runs (
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    PRIMARY KEY (school_id, name, period)
);
