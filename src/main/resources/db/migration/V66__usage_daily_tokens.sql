-- module: metering
-- Seed 001's token usage report counts token consumption only (POST /api/v1/customer/tokens/consume),
-- not every call an organization paid for, and names the app each catalog app_id was consumed by.
-- usage_daily_orgs cannot tell the two apart, so token calls get a rollup of their own, kept by a
-- statement trigger: one set-based upsert per batch of usage events, in key order like the others.
CREATE TABLE usage_daily_tokens (
    organization_id TEXT NOT NULL,
    day             DATE NOT NULL,
    feature         TEXT NOT NULL,   -- the consume call's app_id (its catalog app)
    app_id          TEXT NOT NULL,   -- the Tollgate app whose key consumed
    calls           BIGINT NOT NULL DEFAULT 0,
    units           BIGINT NOT NULL DEFAULT 0,
    credits         BIGINT NOT NULL DEFAULT 0,  -- of units, those paid with purchased tokens
    PRIMARY KEY (organization_id, day, feature, app_id)
);

CREATE FUNCTION usage_daily_tokens_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_daily_tokens AS t (organization_id, day, feature, app_id, calls, units, credits)
    SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date AS day, feature, app_id, count(*), sum(units), sum(credits_used)
    FROM new_events
    WHERE endpoint = '/api/v1/customer/tokens/consume' AND end_user_id IS NULL AND response_status < 400
    GROUP BY 1, 2, 3, 4
    ORDER BY organization_id COLLATE "C", day, feature COLLATE "C", app_id COLLATE "C"
    ON CONFLICT (organization_id, day, feature, app_id) DO UPDATE
        SET calls = t.calls + excluded.calls, units = t.units + excluded.units, credits = t.credits + excluded.credits;
    RETURN NULL;
END $$;

CREATE TRIGGER usage_events_tokens AFTER INSERT ON usage_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION usage_daily_tokens_add();

INSERT INTO usage_daily_tokens (organization_id, day, feature, app_id, calls, units, credits)
SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date, feature, app_id, count(*), sum(units), sum(credits_used)
FROM usage_events
WHERE endpoint = '/api/v1/customer/tokens/consume' AND end_user_id IS NULL AND response_status < 400
GROUP BY 1, 2, 3, 4;
