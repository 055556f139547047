-- module: metering
-- What a proxied call's usage row keeps about its upstream (null for calls Tollgate served itself):
-- the status the upstream answered (null when it never answered), the time to its first byte, and the
-- body bytes sent to it and received from it.
ALTER TABLE usage_events ADD COLUMN upstream_status SMALLINT;
ALTER TABLE usage_events ADD COLUMN upstream_latency_ms INTEGER;
ALTER TABLE usage_events ADD COLUMN bytes_in BIGINT;
ALTER TABLE usage_events ADD COLUMN bytes_out BIGINT;

-- Hourly rollups of upstream calls, written with the usage rows (reports and health never scan events).
-- upstream_errors: no answer (refused, timed out, broken off) or a 5xx from the upstream.
CREATE TABLE usage_hourly_upstream (
    app_id          TEXT NOT NULL,
    feature         TEXT NOT NULL,
    hour            TIMESTAMPTZ NOT NULL,
    calls           BIGINT NOT NULL DEFAULT 0,
    upstream_errors BIGINT NOT NULL DEFAULT 0,
    latency_ms_sum  BIGINT NOT NULL DEFAULT 0,
    bytes_in        BIGINT NOT NULL DEFAULT 0,
    bytes_out       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, feature, hour)
);
CREATE INDEX usage_hourly_upstream_hour ON usage_hourly_upstream (hour);

-- The latency histogram of the same calls: calls per (hour, bucket), buckets from LatencyBuckets, so
-- p50/p95 over any range are read from a few rows per hour instead of from the events.
CREATE TABLE usage_hourly_latency (
    app_id  TEXT NOT NULL,
    feature TEXT NOT NULL,
    hour    TIMESTAMPTZ NOT NULL,
    bucket  SMALLINT NOT NULL,
    calls   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, feature, hour, bucket)
);

-- Reservations (POST /api/v1/features/{name}/reservations): a hold for a feature an app runs itself,
-- captured (in part) or released by the app, or released by the sweep when it expires. ticket is the
-- metering HoldTicket as JSON: what to capture, release and give back.
CREATE TABLE meter_reservations (
    id              TEXT PRIMARY KEY,
    app_id          TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    end_user_id     TEXT,
    feature         TEXT NOT NULL,
    units           BIGINT NOT NULL CHECK (units BETWEEN 1 AND 1000000000),
    credit_cost     BIGINT NOT NULL CHECK (credit_cost >= 0),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'captured', 'released', 'expired')),
    captured_units  BIGINT CHECK (captured_units IS NULL OR captured_units BETWEEN 0 AND units),
    ticket          TEXT NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ
);
CREATE INDEX meter_reservations_due ON meter_reservations (expires_at) WHERE status = 'pending';
CREATE INDEX meter_reservations_app ON meter_reservations (app_id, created_at DESC);
