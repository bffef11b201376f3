-- Restriction (AVG art. 18) and objection (art. 21) become request kinds, and a case
-- carries the idempotency key of the draft it came from, so a request confirmed twice
-- (a double tap, or again after a crash) is one case.

ALTER TABLE cases DROP CONSTRAINT cases_kind_check;
ALTER TABLE cases ADD CONSTRAINT cases_kind_check CHECK (kind IN (
    'access', 'rectification', 'erasure', 'consent', 'restriction', 'objection'
));
ALTER TABLE cases ADD COLUMN idempotency_key TEXT UNIQUE;
