-- module: identity
-- End users' email verification, password reset and social sign-in (issue 16, seed 002).

-- email_verified_at: when the address was proven (a link from a mail to it was followed, a password was
-- reset through it, or a provider asserted it verified at sign-up). locale: the BCP 47 tag mail is written in.
ALTER TABLE end_users ADD COLUMN email_verified_at TIMESTAMPTZ, ADD COLUMN locale VARCHAR(35);

ALTER TABLE auth_sessions DROP CONSTRAINT auth_sessions_revoked_reason_check;
ALTER TABLE auth_sessions ADD CONSTRAINT auth_sessions_revoked_reason_check CHECK (revoked_reason IN
    ('logout', 'refresh_token_reused', 'user_disabled', 'merged', 'session_limit', 'password_reset'));

-- Per app: where the app may be sent back after a social sign-in (exact URIs; a loopback URI matches any
-- port, RFC 8252 §7.3) and where the links of verification and reset mails point (the app's own pages).
CREATE TABLE auth_settings (
    app_id                 TEXT PRIMARY KEY REFERENCES applications (id),
    redirect_uris          TEXT[] NOT NULL DEFAULT '{}',
    email_verification_url TEXT,
    password_reset_url     TEXT,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An app's OAuth client at a provider. The client secret is sealed by the platform's SecretBox
-- (context "oauth_providers:<id>:client_secret") and never shown again.
CREATE TABLE oauth_providers (
    id                   TEXT PRIMARY KEY,
    app_id               TEXT NOT NULL REFERENCES applications (id),
    provider             TEXT NOT NULL CHECK (provider IN ('google', 'github')),
    client_id            VARCHAR(255) NOT NULL,
    client_secret_sealed TEXT NOT NULL,
    -- google: the OpenID Connect issuer (discovery at <issuer>/.well-known/openid-configuration);
    -- github: the web base (authorize, access_token) and the REST API base. Defaults are the public services.
    issuer               TEXT,
    base_url             TEXT,
    api_url              TEXT,
    enabled              BOOLEAN NOT NULL DEFAULT true,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (app_id, provider)
);

-- A sign-in in progress: the state sent to the provider, stored as HMAC(pepper, state), single use, bound to
-- the app, the provider and the app's redirect URI. Tollgate's own PKCE verifier and the OIDC nonce are
-- derived from the state with the pepper, so neither is stored.
CREATE TABLE oauth_states (
    id             TEXT PRIMARY KEY,
    state_hash     BYTEA NOT NULL UNIQUE,
    app_id         TEXT NOT NULL REFERENCES applications (id),
    provider       TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    callback_uri   TEXT NOT NULL,
    app_state      VARCHAR(512),
    code_challenge VARCHAR(128) NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- What the provider proved, waiting for the app to exchange its one-time code (hashed, single use, short,
-- bound to the app, its redirect URI and its PKCE challenge).
CREATE TABLE oauth_grants (
    id             TEXT PRIMARY KEY,
    code_hash      BYTEA NOT NULL UNIQUE,
    app_id         TEXT NOT NULL REFERENCES applications (id),
    provider       TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge VARCHAR(128) NOT NULL,
    subject        VARCHAR(255) NOT NULL,
    email          VARCHAR(320),
    email_verified BOOLEAN NOT NULL,
    display_name   VARCHAR(255),
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX oauth_grants_expires ON oauth_grants (expires_at);

-- A provider account linked to an end user: one per (app, provider, subject), one per provider per user.
CREATE TABLE user_identities (
    id             TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL REFERENCES applications (id),
    end_user_id    TEXT NOT NULL REFERENCES end_users (id),
    provider       TEXT NOT NULL,
    subject        VARCHAR(255) NOT NULL,
    email          VARCHAR(320),
    email_verified BOOLEAN NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at   TIMESTAMPTZ,
    UNIQUE (app_id, provider, subject),
    UNIQUE (end_user_id, provider)
);

-- A provider sign-in that may become a link only once the account it names is proven (its owner signs in
-- and presents this): stored hashed, single use, bound to (end user, provider, subject).
CREATE TABLE link_proofs (
    id             TEXT PRIMARY KEY,
    token_hash     BYTEA NOT NULL UNIQUE,
    app_id         TEXT NOT NULL REFERENCES applications (id),
    end_user_id    TEXT NOT NULL REFERENCES end_users (id),
    provider       TEXT NOT NULL,
    subject        VARCHAR(255) NOT NULL,
    email          VARCHAR(320),
    email_verified BOOLEAN NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX link_proofs_expires ON link_proofs (expires_at);

-- Tokens mailed to an end user (verify the address, reset the password): stored as HMAC(pepper, token),
-- single use, short-lived, for the address they were sent to.
CREATE TABLE email_tokens (
    id          TEXT PRIMARY KEY,
    token_hash  BYTEA NOT NULL UNIQUE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    app_id      TEXT NOT NULL REFERENCES applications (id),
    end_user_id TEXT NOT NULL REFERENCES end_users (id),
    email       VARCHAR(320) NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX email_tokens_user ON email_tokens (end_user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX email_tokens_expires ON email_tokens (expires_at);
