-- module: webhooks
-- Inbound webhooks: a source is where a provider posts (POST /webhooks/in/{token}), with the scheme
-- that proves a call came from it and its sealed secret. Stand-alone per organization; connection_id
-- links a source to an integration connection once the integrations hub exists.
CREATE TABLE webhook_sources (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    connection_id      TEXT,
    name               TEXT NOT NULL,
    token              TEXT NOT NULL UNIQUE,
    scheme             TEXT NOT NULL CHECK (scheme IN ('stripe', 'standard_webhooks', 'hmac_sha256_hex')),
    secret             TEXT NOT NULL,
    signature_header   TEXT,
    tolerance_seconds  INTEGER NOT NULL CHECK (tolerance_seconds BETWEEN 1 AND 86400),
    forward            BOOLEAN NOT NULL DEFAULT false,
    active             BOOLEAN NOT NULL DEFAULT true,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at         TIMESTAMPTZ
);
CREATE INDEX webhook_sources_organization ON webhook_sources (organization_id) WHERE deleted_at IS NULL;

-- Seed 003 webhook_events: what providers sent, stored once per (source, event_id) — a repeat is
-- acknowledged and changes nothing — then processed by a poller: pending → processing → completed,
-- or retrying (next_attempt_at) up to a limit, then failed. Only verified bodies are ever stored.
CREATE TABLE webhook_events (
    id                  TEXT PRIMARY KEY,
    source_id           TEXT NOT NULL REFERENCES webhook_sources (id),
    organization_id     TEXT NOT NULL,
    event_id            VARCHAR(255) NOT NULL,
    event_type          VARCHAR(255) NOT NULL,
    payload             JSONB NOT NULL,
    headers             JSONB NOT NULL DEFAULT '{}',
    signature           TEXT,
    signature_verified  BOOLEAN NOT NULL DEFAULT true,
    processing_status   VARCHAR(20) NOT NULL CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed', 'retrying')),
    retry_count         INTEGER NOT NULL DEFAULT 0,
    error_message       TEXT,
    next_attempt_at     TIMESTAMPTZ,
    processed_at        TIMESTAMPTZ,
    received_at         TIMESTAMPTZ NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (source_id, event_id)
);
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE processing_status IN ('pending', 'retrying', 'processing');
CREATE INDEX webhook_events_source ON webhook_events (source_id, received_at DESC, id DESC);
CREATE INDEX webhook_events_type ON webhook_events (event_type);
