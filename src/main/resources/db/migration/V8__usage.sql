-- module: metering
-- One row per metered call (seed 000 external_app_usage). Money is in minor units of `currency`:
-- charge_minor is what the caller is billed, cost_minor what serving the call cost us.
CREATE TABLE usage_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app_id          TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    api_key_id      TEXT,
    end_user_id     TEXT,
    feature         TEXT NOT NULL,
    endpoint        TEXT NOT NULL,
    method          VARCHAR(10) NOT NULL,
    response_status INTEGER NOT NULL,
    pricing         TEXT NOT NULL,
    credits_used    BIGINT NOT NULL DEFAULT 0 CHECK (credits_used >= 0),
    charge_minor    BIGINT NOT NULL DEFAULT 0 CHECK (charge_minor >= 0),
    cost_minor      BIGINT NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),
    currency        CHAR(3),
    duration_ms     INTEGER,
    request_id      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX usage_events_app_created ON usage_events (app_id, created_at DESC);
CREATE INDEX usage_events_user_created ON usage_events (end_user_id, created_at DESC) WHERE end_user_id IS NOT NULL;

-- Daily rollups, written in the same transaction as the events, so dashboards never scan events.
CREATE TABLE usage_daily (
    app_id          TEXT NOT NULL,
    day             DATE NOT NULL,
    feature         TEXT NOT NULL,
    currency        CHAR(3) NOT NULL DEFAULT 'XXX',
    calls           BIGINT NOT NULL DEFAULT 0,
    errors          BIGINT NOT NULL DEFAULT 0,
    credits_used    BIGINT NOT NULL DEFAULT 0,
    charge_minor    BIGINT NOT NULL DEFAULT 0,
    cost_minor      BIGINT NOT NULL DEFAULT 0,
    duration_ms_sum BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, day, feature, currency)
);

CREATE TABLE usage_daily_users (
    app_id       TEXT NOT NULL,
    day          DATE NOT NULL,
    end_user_id  TEXT NOT NULL,
    calls        BIGINT NOT NULL DEFAULT 0,
    credits_used BIGINT NOT NULL DEFAULT 0,
    charge_minor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, day, end_user_id)
);
CREATE INDEX usage_daily_users_user ON usage_daily_users (end_user_id, day);
