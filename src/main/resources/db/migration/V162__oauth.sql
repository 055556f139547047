-- module: oauth
-- Seed 001's customer JWTs: OAuth 2.0 client-credentials clients per organization, and the asymmetric
-- keys the tokens are signed with (published at /.well-known/jwks.json, rotated with an overlap).
CREATE TABLE oauth_clients (
    id              TEXT PRIMARY KEY,                               -- occ_…, also the client_id
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    app_id          TEXT NOT NULL REFERENCES applications (id),    -- the organization's app its calls count as (usage, limits)
    name            VARCHAR(255),
    secret_hash     BYTEA NOT NULL UNIQUE,                          -- HMAC-SHA256(pepper, secret), like API keys
    secret_prefix   VARCHAR(20) NOT NULL,
    secret_last4    VARCHAR(4) NOT NULL,
    scopes          TEXT[] NOT NULL,
    rate_limit      INTEGER NOT NULL DEFAULT 1000 CHECK (rate_limit > 0),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    last_used_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX oauth_clients_org ON oauth_clients (organization_id, created_at DESC);

-- One key signs (active); the ones it replaced stay published (retiring) until every token they signed
-- has expired (publish_until), then they are retired and leave the JWK Set.
CREATE TABLE oauth_signing_keys (
    id                 TEXT PRIMARY KEY,          -- the JWK "kid"
    algorithm          TEXT NOT NULL,             -- RS256
    public_jwk         TEXT NOT NULL,             -- the public JWK, as published
    private_key_sealed TEXT NOT NULL,             -- the private JWK, sealed (SecretBox, context oauth_signing_keys:<id>:private_key_sealed)
    status             TEXT NOT NULL CHECK (status IN ('active', 'retiring', 'retired')),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    publish_until      TIMESTAMPTZ
);
CREATE UNIQUE INDEX oauth_signing_keys_one_active ON oauth_signing_keys ((true)) WHERE status = 'active';
