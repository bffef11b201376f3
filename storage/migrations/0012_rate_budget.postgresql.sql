-- Telegram's limits hold for the bot, not for each worker: the token buckets that pace
-- every message (all messages, and each chat's own) are rows here, shared by the workers and
-- timed by the database's clock. take_rate_budget takes one token from a bucket, refilled at
-- p_rate a second up to p_capacity: with p_need = 0 it reserves the token and returns how
-- long to wait before using it; with p_need > 0 it takes a token only when p_need are in hand
-- (an outbox notice leaves room for replies) and otherwise returns the wait, taking nothing.
-- A lost bucket costs nothing but a moment's pacing: the callers commit without waiting for
-- the flush (storage.rate_budget).
CREATE TABLE rate_budget (
    name TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION take_rate_budget(
    p_name TEXT, p_rate DOUBLE PRECISION, p_capacity DOUBLE PRECISION, p_need DOUBLE PRECISION
) RETURNS DOUBLE PRECISION LANGUAGE plpgsql AS $$
DECLARE
    moment TIMESTAMPTZ := clock_timestamp();
    held DOUBLE PRECISION;
BEGIN
    INSERT INTO rate_budget (name, tokens, at) VALUES (p_name, p_capacity, moment)
        ON CONFLICT (name) DO NOTHING;
    SELECT LEAST(p_capacity, tokens + EXTRACT(EPOCH FROM moment - at) * p_rate) INTO held
        FROM rate_budget WHERE name = p_name FOR UPDATE;
    IF p_need > 0 AND held < p_need THEN
        UPDATE rate_budget SET tokens = held, at = moment WHERE name = p_name;
        RETURN (p_need - held) / p_rate;
    END IF;
    UPDATE rate_budget SET tokens = held - 1, at = moment WHERE name = p_name;
    RETURN GREATEST(0, 1 - held) / p_rate;
END;
$$;

-- Telegram said 429: every worker waits p_seconds from now.
CREATE FUNCTION pause_rate_budget(p_name TEXT, p_rate DOUBLE PRECISION, p_seconds DOUBLE PRECISION)
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    UPDATE rate_budget SET tokens = LEAST(tokens, -p_seconds * p_rate), at = clock_timestamp()
        WHERE name = p_name;
END;
$$;
