-- module: catalog
-- Seed 001's connected-apps catalog ("apps", here catalog_apps: "applications" are the organizations'
-- own external apps) and its activations per customer (customer_apps; a customer is an organization).
CREATE TABLE catalog_apps (
    id                   TEXT PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,49}$'),  -- a readable slug: vto-001
    name                 VARCHAR(100) NOT NULL,
    description          TEXT,
    category             VARCHAR(50) NOT NULL,
    token_cost           INTEGER NOT NULL CHECK (token_cost > 0),
    status               TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'beta', 'deprecated', 'hidden')),
    app_features         JSONB NOT NULL DEFAULT '[]',   -- seed 001 "features" (the name would read as metering's table)
    configuration_schema JSON NOT NULL DEFAULT '{}',  -- json, not jsonb: the order of the fields is the order of the form
    pricing_tier         VARCHAR(50),           -- the lowest plan (by monthly price) that may activate it; null: any customer
    documentation_url    VARCHAR(255),
    icon_url             VARCHAR(255),
    widget_url           VARCHAR(2048) NOT NULL, -- where the app's own widget lives; the embed loader frames it
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX catalog_apps_listed ON catalog_apps (category, id) WHERE status <> 'hidden';

-- One activation per customer and app (seed 001's UNIQUE(customer_id, app_id)): activating again
-- changes it. Deactivating keeps the row (status inactive) for its history and last_used_at.
-- Seed 001's embed_code column is not stored: it carries a key, and keys never reach a table in the clear.
CREATE TABLE customer_apps (
    id                 TEXT PRIMARY KEY,                       -- act_…
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    app_id             TEXT NOT NULL REFERENCES catalog_apps (id),
    status             TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    configuration      JSONB NOT NULL DEFAULT '{}',
    allowed_origins    TEXT[] NOT NULL DEFAULT '{}',
    embed_key_id       TEXT,                                   -- the publishable key the embed code carries (keys module)
    embed_key_sealed   TEXT,                                   -- that key, sealed (SecretBox): the embed code is rebuilt from it, never stored
    activated_by       TEXT NOT NULL REFERENCES applications (id), -- the organization's app whose key activated it; the embed key is one of its keys
    activated_at       TIMESTAMPTZ NOT NULL,
    deactivated_at     TIMESTAMPTZ,
    last_used_at       TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (organization_id, app_id)
);
CREATE INDEX customer_apps_app ON customer_apps (app_id, status);
CREATE INDEX customer_apps_last_used ON customer_apps (last_used_at DESC);
