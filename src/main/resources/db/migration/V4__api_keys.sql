-- module: keys
-- Seed 000 api_keys. The key itself is never stored: key_hash is HMAC-SHA256(pepper, key).
-- 'expired' is not stored: a key is expired when expires_at has passed.
CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    app_id        TEXT NOT NULL REFERENCES applications (id),
    key_hash      BYTEA NOT NULL UNIQUE,
    key_prefix    VARCHAR(20) NOT NULL,
    key_last4     VARCHAR(4) NOT NULL,
    key_type      TEXT NOT NULL CHECK (key_type IN ('secret', 'publishable')),
    environment   TEXT NOT NULL CHECK (environment IN ('live', 'test')),
    name          VARCHAR(255),
    scopes        TEXT[] NOT NULL,
    rate_limit    INTEGER NOT NULL DEFAULT 1000 CHECK (rate_limit > 0),
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_at    TIMESTAMPTZ,
    replaced_by   TEXT REFERENCES api_keys (id),
    metadata      JSONB NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_app ON api_keys (app_id, created_at DESC);
