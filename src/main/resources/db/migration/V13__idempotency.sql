-- module: platform
-- Idempotency-Key records: the first response to a (scope, key) is stored in the transaction that
-- did the work, so a replay answers with it and a concurrent duplicate waits on the unique index.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          VARCHAR(255) NOT NULL,
    request_hash BYTEA NOT NULL,
    status_code  INTEGER,
    response     TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
