-- module: webhooks
-- The outbox. A message is one event for one organization, written in the transaction of the change
-- it reports (so both commit or neither does), once at least one of the organization's endpoints takes
-- its type. body is the exact JSON sent, so every attempt carries the same bytes and the same
-- webhook-id (the message id). dedupe_key makes "once per payer and period" events single.
CREATE TABLE webhook_messages (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,
    dedupe_key      TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX webhook_messages_dedupe ON webhook_messages (organization_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX webhook_messages_created ON webhook_messages (created_at);

-- One message to one endpoint: the delivery queue. pending rows are due at next_attempt_at; a node
-- claims due rows with FOR UPDATE SKIP LOCKED and moves next_attempt_at past its lease, so a node that
-- dies mid-delivery leaves the row due again when the lease ends (at-least-once, same webhook-id).
-- held: the endpoint is disabled; kept for recovery. run_attempts: attempts since the row was last
-- (re)queued, its place in the retry schedule.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    message_id       TEXT NOT NULL REFERENCES webhook_messages (id),
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'held')),
    sequence         BIGINT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    run_attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (message_id, endpoint_id),
    CHECK (status <> 'pending' OR next_attempt_at IS NOT NULL)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- An ordered endpoint's next delivery is the pending one with the lowest sequence.
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, sequence) WHERE status = 'pending' AND sequence IS NOT NULL;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
-- What the undelivered list, recovery and the stats read: a busy endpoint's succeeded rows stay out of the way.
CREATE INDEX webhook_deliveries_undelivered ON webhook_deliveries (endpoint_id, created_at DESC, id DESC) WHERE status <> 'succeeded';

-- Every attempt: the delivery log (status, latency, response excerpt) and the success rate.
CREATE TABLE webhook_attempts (
    id               TEXT PRIMARY KEY,
    delivery_id      TEXT NOT NULL REFERENCES webhook_deliveries (id),
    endpoint_id      TEXT NOT NULL,
    message_id       TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    succeeded        BOOLEAN NOT NULL,
    response_status  INTEGER,
    response_excerpt TEXT,
    error            TEXT,
    latency_millis   INTEGER NOT NULL,
    attempted_at     TIMESTAMPTZ NOT NULL,
    -- Which Tollgate node made it (host:pid:random), for an operator chasing one node's network.
    node             TEXT NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, attempted_at DESC);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
