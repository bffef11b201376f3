-- AVG art. 19, per recipient: a recipient of the register that never received this child's
-- data (the school attendance officer gets data only after an absence report) is marked
-- not applicable instead of informed, and the parent is told only those informed. A case
-- event can name what it is about (the recipient), so the timeline names each one.
ALTER TABLE case_recipients_informed
    ADD COLUMN received INTEGER NOT NULL DEFAULT 1 CHECK (received IN (0, 1));
ALTER TABLE case_events ADD COLUMN subject TEXT;
