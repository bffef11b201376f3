-- Staff come and go over a school year. A removed staff member keeps their row (the
-- timeline of old requests names them) but loses their groups, their Telegram link and
-- every message still waiting for them.
ALTER TABLE staff ADD COLUMN removed_at TEXT;
CREATE INDEX staff_active_by_school ON staff(school_id, role) WHERE removed_at IS NULL;

-- A notice meant for a staff member names them, so that it can be withdrawn when they
-- leave before it was sent.
ALTER TABLE outbox ADD COLUMN staff_id BIGINT REFERENCES staff(id);
CREATE INDEX outbox_pending_by_staff ON outbox(staff_id) WHERE status = 'pending';
