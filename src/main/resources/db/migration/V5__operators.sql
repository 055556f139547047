-- module: operators
-- Admin tokens are the operators' root keys for the admin API, hashed like API keys.
CREATE TABLE admin_tokens (
    id           TEXT PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    token_hash   BYTEA NOT NULL UNIQUE,
    token_prefix VARCHAR(20) NOT NULL,
    token_last4  VARCHAR(4) NOT NULL,
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    created_by   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ
);

-- People who sign in to the console. Passwords are Argon2id.
CREATE TABLE operators (
    id              TEXT PRIMARY KEY,
    email           VARCHAR(320) NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    last_login_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operators_email ON operators (lower(email));
