-- module: gateway
-- Gateway settings of a feature whose backend is "upstream" (the feature itself, its price rule and its
-- upstream_url belong to metering's features table). A row is made with the defaults the first time the
-- feature is called or its settings are read, so a feature works through the gateway as soon as it exists.
CREATE TABLE gateway_features (
    feature_id                TEXT PRIMARY KEY,
    app_id                    TEXT NOT NULL,
    -- When a call is charged: success = the upstream answered 2xx; any_response = it answered at all.
    charge_on                 TEXT NOT NULL DEFAULT 'success' CHECK (charge_on IN ('success', 'any_response')),
    -- per_request: the feature's price per call; units: the units the upstream reports × credit_cost,
    -- reserved as max_units first and read from a response header or a JSON pointer into the body.
    pricing_mode              TEXT NOT NULL DEFAULT 'per_request' CHECK (pricing_mode IN ('per_request', 'units')),
    units_header              VARCHAR(100),
    units_json_pointer        VARCHAR(500),
    max_units                 BIGINT CHECK (max_units IS NULL OR max_units BETWEEN 1 AND 1000000000),
    connect_timeout_millis    INTEGER NOT NULL DEFAULT 5000 CHECK (connect_timeout_millis BETWEEN 100 AND 60000),
    first_byte_timeout_millis INTEGER NOT NULL DEFAULT 30000 CHECK (first_byte_timeout_millis BETWEEN 100 AND 3600000),
    max_connections           INTEGER NOT NULL DEFAULT 64 CHECK (max_connections BETWEEN 1 AND 10000),
    -- Health, written at most once a second per node (not on every call): the latest success and failure.
    last_success_at           TIMESTAMPTZ,
    last_failure_at           TIMESTAMPTZ,
    last_failure              VARCHAR(300),
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (pricing_mode = 'per_request' OR max_units IS NOT NULL),
    CHECK (pricing_mode = 'per_request' OR (units_header IS NULL) <> (units_json_pointer IS NULL))
);
CREATE INDEX gateway_features_app ON gateway_features (app_id);

-- Secrets of a gateway feature, each sealed by platform.SecretBox (AES-256-GCM, the row id bound in):
-- "signing" — the HMAC key Tollgate signs forwarded requests with (shown once; a rotated-out one keeps
-- signing beside the new one until expires_at, so the upstream can switch without failing a call);
-- "upstream_headers" — the credentials injected on the way out, a JSON object of header → value.
CREATE TABLE gateway_secrets (
    id           TEXT PRIMARY KEY,
    feature_id   TEXT NOT NULL REFERENCES gateway_features (feature_id),
    kind         TEXT NOT NULL CHECK (kind IN ('signing', 'upstream_headers')),
    sealed_value TEXT NOT NULL,
    expires_at   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- One current (not expiring) secret of each kind per feature.
CREATE UNIQUE INDEX gateway_secrets_current ON gateway_secrets (feature_id, kind) WHERE expires_at IS NULL;
CREATE INDEX gateway_secrets_feature ON gateway_secrets (feature_id);
