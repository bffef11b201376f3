-- The outbox is claimed with a lease, so two dispatchers never send one row; a send that
-- timed out is "maybe sent" (uncertain) and waits longer before it is tried again; rows
-- that must go out once carry a deterministic key.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN uncertain_since TEXT;
ALTER TABLE outbox ADD COLUMN key TEXT;
CREATE UNIQUE INDEX outbox_by_key ON outbox(key) WHERE key IS NOT NULL;
-- Per-chat order: a row waits while an earlier pending row of its chat is not yet due.
CREATE INDEX outbox_pending_by_chat ON outbox(chat_id, id) WHERE status = 'pending';

-- The staff queue and digest queries on many cases (bench/queries.py): open cases of a school
-- by due date, counts by status and kind, what came in during a period.
CREATE INDEX cases_open_by_due ON cases(school_id, COALESCE(extended_due_on, due_on))
    WHERE status IN ('submitted', 'in_progress');
CREATE INDEX cases_by_school_status ON cases(school_id, status, kind);
CREATE INDEX cases_by_school_received ON cases(school_id, received_at);
CREATE INDEX cases_by_school_closed ON cases(school_id, closed_at);
CREATE INDEX case_events_by_event ON case_events(event, at);
