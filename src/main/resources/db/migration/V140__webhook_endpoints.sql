-- module: webhooks
-- Outbound webhook endpoints (seed 003 webhook_endpoints): an organization's URL subscribed to event
-- types. Secrets are sealed by the platform's SecretBox (context "webhook_endpoints:<id>:secret"), never
-- stored in clear: they must be readable to sign. Endpoints are soft-deleted, because deliveries and
-- attempts keep pointing at them. connection_id is seed 003's link to an integration connection; it
-- stays empty until the integrations hub attaches endpoints to connections.
CREATE TABLE webhook_endpoints (
    id                         TEXT PRIMARY KEY,
    organization_id            TEXT NOT NULL REFERENCES organizations (id),
    connection_id              TEXT,
    url                        TEXT NOT NULL,
    description                TEXT,
    -- Exact event types or patterns: "payment.*", "*".
    event_types                TEXT[] NOT NULL,
    -- The organization's switch. Tollgate's own switch is disabled_at (410 Gone, or failing for days).
    active                     BOOLEAN NOT NULL DEFAULT true,
    disabled_at                TIMESTAMPTZ,
    disabled_reason            TEXT,
    rate_limit_per_second      INTEGER CHECK (rate_limit_per_second > 0),
    headers                    JSONB NOT NULL DEFAULT '{}',
    -- One delivery in flight at a time, in event order, each numbered (webhook-sequence header).
    ordered                    BOOLEAN NOT NULL DEFAULT false,
    last_sequence              BIGINT NOT NULL DEFAULT 0,
    secret                     TEXT NOT NULL,
    -- During a rotation's overlap the previous secret signs too (two signatures in webhook-signature).
    previous_secret            TEXT,
    previous_secret_expires_at TIMESTAMPTZ,
    created_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                 TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at                 TIMESTAMPTZ
);
CREATE INDEX webhook_endpoints_organization ON webhook_endpoints (organization_id) WHERE deleted_at IS NULL;

-- How an endpoint has been doing: kept apart from webhook_endpoints so that delivery results never
-- wait on the row event producers lock to number an ordered endpoint's events.
-- failing_since: the first failed attempt after the last success (null while it succeeds).
CREATE TABLE webhook_endpoint_health (
    endpoint_id     TEXT PRIMARY KEY REFERENCES webhook_endpoints (id),
    failing_since   TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    last_failure_at TIMESTAMPTZ
);

-- An organization's webhook settings: the wallet balance under which credits.low is sent.
CREATE TABLE webhook_settings (
    organization_id       TEXT PRIMARY KEY REFERENCES organizations (id),
    credits_low_threshold BIGINT CHECK (credits_low_threshold >= 0),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
