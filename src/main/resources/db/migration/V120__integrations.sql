-- module: integrations
-- Seed 003's external-integrations layer (tables 1–5, 8–12; webhook_endpoints and webhook_events belong to
-- the webhooks module). Isolation between organizations is enforced by the application: every query of an
-- organization's data names its organization_id (PostgreSQL row-level security would be bypassed anyway by
-- the owner/superuser role Tollgate connects as; see docs/ARCHITECTURE.md "Integrations").

-- 1. The provider catalog. Built-in providers are inserted at start from integrations/providers.json (never
-- overwritten: operators' edits stay); operators add more. organization_id set: a provider only that
-- organization sees (seed 003's column); null: everyone's.
CREATE TABLE integration_providers (
    id                     TEXT PRIMARY KEY,
    provider_name          TEXT NOT NULL UNIQUE CHECK (provider_name ~ '^[a-z][a-z0-9_]{1,49}$'),
    display_name           TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    provider_type          TEXT NOT NULL CHECK (provider_type IN
                               ('payment', 'shipping', 'social_media', 'marketing', 'communication', 'ai', 'analytics', 'storage')),
    description            TEXT,
    logo_url               TEXT,
    documentation_url      TEXT,
    api_version            TEXT,
    is_active              BOOLEAN NOT NULL DEFAULT TRUE,
    requires_oauth         BOOLEAN NOT NULL DEFAULT FALSE,
    supported_regions      JSONB NOT NULL DEFAULT '[]',
    pricing_model          TEXT CHECK (pricing_model IN ('free', 'freemium', 'paid', 'usage_based')),
    configuration_schema   JSONB NOT NULL DEFAULT '{"type": "object"}',
    base_url               TEXT NOT NULL,
    auth_style             TEXT NOT NULL CHECK (auth_style IN
                               ('none', 'bearer', 'basic', 'header', 'query', 'json_body', 'oauth2', 'client_credentials')),
    -- Where each injected value comes from ("credential:<key>" or "config:<field>") and style details
    -- (header name, token and authorize URLs, scopes).
    auth_config            JSONB NOT NULL DEFAULT '{}',
    health_ping_path       TEXT NOT NULL DEFAULT '/',
    health_check_path      TEXT,
    health_check_method    TEXT NOT NULL DEFAULT 'GET' CHECK (health_check_method IN ('GET', 'HEAD', 'POST')),
    health_check_body      JSONB,
    -- "200 with an error in the body": [{pointer, equals | not_equals | present, message_pointer?}]
    health_error_rules     JSONB NOT NULL DEFAULT '[]',
    cost_per_request_minor BIGINT CHECK (cost_per_request_minor >= 0),
    cost_currency          CHAR(3),
    organization_id        TEXT REFERENCES organizations (id),
    builtin                BOOLEAN NOT NULL DEFAULT FALSE,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((cost_per_request_minor IS NULL) = (cost_currency IS NULL))
);

-- 2. Connections: an organization's link to a provider.
CREATE TABLE integration_connections (
    id                            TEXT PRIMARY KEY,
    organization_id               TEXT NOT NULL REFERENCES organizations (id),
    provider_id                   TEXT NOT NULL REFERENCES integration_providers (id),
    connection_name               TEXT NOT NULL CHECK (length(connection_name) BETWEEN 1 AND 100),
    status                        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('active', 'inactive', 'error', 'pending', 'testing')),
    environment                   TEXT NOT NULL DEFAULT 'production' CHECK (environment IN ('production', 'staging', 'development')),
    configuration                 JSONB NOT NULL DEFAULT '{}',
    is_primary                    BOOLEAN NOT NULL DEFAULT FALSE,
    health_status                 TEXT NOT NULL DEFAULT 'unknown' CHECK (health_status IN ('healthy', 'degraded', 'down', 'unknown')),
    last_health_check             TIMESTAMPTZ,
    health_check_type             TEXT NOT NULL DEFAULT 'authentication' CHECK (health_check_type IN ('ping', 'authentication', 'api_call')),
    health_check_interval_seconds INT NOT NULL DEFAULT 300 CHECK (health_check_interval_seconds BETWEEN 10 AND 86400),
    health_check_path             TEXT,
    -- The scheduler's claim: a node moves this forward (FOR UPDATE SKIP LOCKED) before it checks.
    next_check_at                 TIMESTAMPTZ,
    error_message                 TEXT,
    connected_at                  TIMESTAMPTZ,
    disconnected_at               TIMESTAMPTZ,
    created_by                    TEXT,
    created_at                    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                    TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at                    TIMESTAMPTZ
);
-- is_primary: at most one per organization, provider and environment, whatever races.
CREATE UNIQUE INDEX integration_connections_one_primary ON integration_connections (organization_id, provider_id, environment)
    WHERE is_primary AND deleted_at IS NULL;
CREATE INDEX integration_connections_org ON integration_connections (organization_id, created_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX integration_connections_provider ON integration_connections (provider_id);
CREATE INDEX integration_connections_due ON integration_connections (next_check_at)
    WHERE status IN ('active', 'error') AND deleted_at IS NULL;

-- 3. Credentials (seed 003 api_credentials). encrypted_value is sealed by platform.SecretBox with the context
-- "integration_credentials:<id>:encrypted_value"; only type, key, last four, expiry and rotation are ever shown.
CREATE TABLE integration_credentials (
    id                TEXT PRIMARY KEY,
    connection_id     TEXT NOT NULL REFERENCES integration_connections (id),
    credential_type   TEXT NOT NULL CHECK (credential_type IN ('api_key', 'oauth_token', 'client_secret', 'webhook_secret', 'password')),
    credential_key    TEXT NOT NULL CHECK (credential_key ~ '^[a-z][a-z0-9_]{0,99}$'),
    encrypted_value   TEXT NOT NULL CHECK (encrypted_value LIKE 'tgenc:v1:%'),
    encryption_method TEXT NOT NULL DEFAULT 'AES-256-GCM',
    last_four         TEXT,
    expires_at        TIMESTAMPTZ,
    last_rotated      TIMESTAMPTZ,
    rotation_policy   TEXT NOT NULL DEFAULT 'manual' CHECK (rotation_policy IN ('manual', '30days', '90days', 'yearly')),
    is_active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (connection_id, credential_key)
);
CREATE INDEX integration_credentials_type ON integration_credentials (credential_type);

-- OAuth tokens of a connection, both sealed (context "integration_oauth_tokens:<connection_id>:<column>").
-- version fences refreshes: a refresh is claimed by moving version n → n+1 (compare-and-set) and its result
-- written only WHERE version = n+1, moving it to n+2; nothing else ever writes tokens.
CREATE TABLE integration_oauth_tokens (
    connection_id      TEXT PRIMARY KEY REFERENCES integration_connections (id),
    access_token       TEXT CHECK (access_token LIKE 'tgenc:v1:%'),
    refresh_token      TEXT CHECK (refresh_token LIKE 'tgenc:v1:%'),
    token_type         TEXT,
    scope              TEXT,
    expires_at         TIMESTAMPTZ,
    version            BIGINT NOT NULL DEFAULT 0,
    refresh_claimed_by TEXT,
    refresh_claimed_at TIMESTAMPTZ,
    refreshed_at       TIMESTAMPTZ,
    refresh_count      BIGINT NOT NULL DEFAULT 0,
    last_error         TEXT,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Authorization-code flows in progress: single use (deleted when used), 10 minutes. The state itself is
-- stored only as its SHA-256; binding_hash is the SHA-256 of the nonce cookie of the browser that began.
CREATE TABLE integration_oauth_states (
    state_hash      TEXT PRIMARY KEY,
    connection_id   TEXT NOT NULL REFERENCES integration_connections (id),
    organization_id TEXT NOT NULL,
    provider_id     TEXT NOT NULL,
    code_verifier   TEXT NOT NULL CHECK (code_verifier LIKE 'tgenc:v1:%'),
    redirect_uri    TEXT NOT NULL,
    binding_hash    TEXT,
    return_to       TEXT,
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX integration_oauth_states_expiry ON integration_oauth_states (expires_at);

-- 4. Health check results.
CREATE TABLE integration_health (
    id               TEXT PRIMARY KEY,
    connection_id    TEXT NOT NULL REFERENCES integration_connections (id),
    check_timestamp  TIMESTAMPTZ NOT NULL DEFAULT now(),
    status           TEXT NOT NULL CHECK (status IN ('healthy', 'degraded', 'down')),
    response_time_ms INT,
    error_message    TEXT,
    http_status_code INT,
    endpoint_tested  TEXT,
    check_type       TEXT CHECK (check_type IN ('ping', 'authentication', 'api_call', 'webhook')),
    metadata         JSONB NOT NULL DEFAULT '{}',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX integration_health_connection ON integration_health (connection_id, check_timestamp DESC);
CREATE INDEX integration_health_timestamp ON integration_health (check_timestamp);

-- 5. Call logs: headers by allowlist, bodies truncated and redacted before they are written.
CREATE TABLE integration_logs (
    id               TEXT PRIMARY KEY,
    connection_id    TEXT NOT NULL REFERENCES integration_connections (id),
    organization_id  TEXT NOT NULL,
    log_type         TEXT NOT NULL CHECK (log_type IN ('api_request', 'api_response', 'error', 'webhook', 'system')),
    source           TEXT NOT NULL CHECK (source IN ('proxy', 'health_check', 'oauth')),
    method           TEXT,
    endpoint         TEXT,
    request_headers  JSONB,
    request_body     JSONB,
    response_status  INT,
    response_headers JSONB,
    response_body    JSONB,
    response_time_ms INT,
    error_message    TEXT,
    error_code       TEXT,
    user_id          TEXT,
    ip_address       INET,
    bytes_sent       BIGINT NOT NULL DEFAULT 0,
    bytes_received   BIGINT NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX integration_logs_connection ON integration_logs (connection_id, created_at DESC, id DESC);
CREATE INDEX integration_logs_org ON integration_logs (organization_id, created_at DESC, id DESC);
CREATE INDEX integration_logs_created ON integration_logs (created_at);

-- 8. Per-connection limits (seed 003 rate_limits): fixed calendar windows (UTC), counted in PostgreSQL so
-- every node spends from the same counter.
CREATE TABLE integration_rate_limits (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES integration_connections (id),
    limit_type    TEXT NOT NULL CHECK (limit_type IN ('per_minute', 'per_hour', 'per_day', 'per_month')),
    max_requests  INT NOT NULL CHECK (max_requests > 0),
    current_usage INT NOT NULL DEFAULT 0 CHECK (current_usage >= 0),
    window_start  TIMESTAMPTZ,
    window_end    TIMESTAMPTZ,
    is_exceeded   BOOLEAN NOT NULL DEFAULT FALSE,
    exceeded_at   TIMESTAMPTZ,
    reset_at      TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (connection_id, limit_type)
);
CREATE INDEX integration_rate_limits_exceeded ON integration_rate_limits (is_exceeded) WHERE is_exceeded;

-- 9. Daily analytics per connection, recomputed from the logs and health results by a scheduled job.
CREATE TABLE integration_analytics (
    id                   TEXT PRIMARY KEY,
    connection_id        TEXT NOT NULL REFERENCES integration_connections (id),
    organization_id      TEXT NOT NULL,
    date                 DATE NOT NULL,
    total_requests       BIGINT NOT NULL DEFAULT 0,
    successful_requests  BIGINT NOT NULL DEFAULT 0,
    failed_requests      BIGINT NOT NULL DEFAULT 0,
    avg_response_time_ms NUMERIC(10, 2),
    p95_response_time_ms INT,
    bytes_transferred    BIGINT NOT NULL DEFAULT 0,
    total_cost_minor     BIGINT,
    cost_currency        CHAR(3),
    error_rate_percent   NUMERIC(5, 2),
    uptime_percent       NUMERIC(5, 2),
    health_checks        INT NOT NULL DEFAULT 0,
    metadata             JSONB NOT NULL DEFAULT '{}',
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (connection_id, date)
);
CREATE INDEX integration_analytics_date ON integration_analytics (date);

-- 10–12. Typed settings of payment, shipping and social-media connections (one row per connection),
-- validated against integrations/settings/*.schema.json. Social accounts' tokens are the connection's
-- sealed OAuth tokens above, never a plain column.
CREATE TABLE integration_payment_settings (
    connection_id             TEXT PRIMARY KEY REFERENCES integration_connections (id),
    provider_name             TEXT NOT NULL,
    merchant_id               TEXT,
    account_id                TEXT,
    supported_currencies      JSONB NOT NULL DEFAULT '["AED"]',
    supported_payment_methods JSONB NOT NULL DEFAULT '[]',
    webhook_url               TEXT,
    success_url               TEXT,
    cancel_url                TEXT,
    is_test_mode              BOOLEAN NOT NULL DEFAULT FALSE,
    auto_capture              BOOLEAN NOT NULL DEFAULT TRUE,
    settlement_schedule       TEXT CHECK (settlement_schedule IN ('instant', 'daily', 'weekly')),
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE integration_shipping_settings (
    connection_id        TEXT PRIMARY KEY REFERENCES integration_connections (id),
    provider_name        TEXT NOT NULL,
    account_number       TEXT,
    service_types        JSONB NOT NULL DEFAULT '[]',
    supported_regions    JSONB NOT NULL DEFAULT '[]',
    default_service_type TEXT,
    auto_generate_labels BOOLEAN NOT NULL DEFAULT TRUE,
    tracking_enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    insurance_enabled    BOOLEAN NOT NULL DEFAULT FALSE,
    max_weight_kg        NUMERIC(10, 2),
    max_dimensions_cm    JSONB,
    pricing_model        TEXT CHECK (pricing_model IN ('flat_rate', 'weight_based', 'zone_based')),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE integration_social_accounts (
    connection_id       TEXT PRIMARY KEY REFERENCES integration_connections (id),
    platform            TEXT NOT NULL,
    account_name        TEXT,
    account_id          TEXT,
    profile_url         TEXT,
    permissions         JSONB NOT NULL DEFAULT '[]',
    is_business_account BOOLEAN NOT NULL DEFAULT FALSE,
    follower_count      INT CHECK (follower_count >= 0),
    last_sync           TIMESTAMPTZ,
    auto_post_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
