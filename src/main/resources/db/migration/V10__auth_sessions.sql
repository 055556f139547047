-- module: identity
-- End users' sign-in sessions. A session is one refresh-token family: every refresh rotates the token
-- inside the session, and revoking the session ends the family and every access token that names it
-- (access tokens carry the session id as their sid claim).
CREATE TABLE auth_sessions (
    id             TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL REFERENCES applications (id),
    end_user_id    TEXT NOT NULL REFERENCES end_users (id),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_reason TEXT CHECK (revoked_reason IN ('logout', 'refresh_token_reused', 'user_disabled', 'merged', 'session_limit')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at     TIMESTAMPTZ
);
CREATE INDEX auth_sessions_user_active ON auth_sessions (end_user_id, created_at) WHERE status = 'active';
CREATE INDEX auth_sessions_revoked ON auth_sessions (revoked_at) WHERE status = 'revoked';

-- Refresh tokens are opaque (tg_rt_…) and stored only as HMAC-SHA256(pepper, token). A used token is
-- kept until it expires: presenting it again is how a stolen token is noticed (the family is revoked).
CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id),
    token_hash BYTEA NOT NULL UNIQUE,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'used', 'revoked')),
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    used_at    TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- A device names an anonymous user only. Once that user registers (upgraded in place, keeping the
-- device id as history) the device may start a fresh anonymous user, and knowing a device id never
-- hands out a registered account's tokens.
DROP INDEX end_users_device;
CREATE UNIQUE INDEX end_users_device ON end_users (app_id, device_id)
    WHERE device_id IS NOT NULL AND kind = 'anonymous' AND status <> 'merged';
CREATE INDEX end_users_master ON end_users (app_id, master_user_id) WHERE master_user_id IS NOT NULL;
