-- On SQLite one process sends every message and keeps its rate budget in memory
-- (handlers.rate_limiter); the shared buckets of 0011_rate_budget.postgresql.sql are not
-- needed.
SELECT 1;
