-- module: apps
-- Seed 000 external_applications, plus the owning organization and a soft delete.
CREATE TABLE applications (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name            VARCHAR(255) NOT NULL,
    description     TEXT,
    app_type        TEXT NOT NULL CHECK (app_type IN ('mobile', 'desktop', 'web', 'api')),
    app_url         VARCHAR(500),
    app_identifier  VARCHAR(255),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'suspended')),
    pricing_model   TEXT NOT NULL DEFAULT 'free' CHECK (pricing_model IN ('free', 'paid', 'subscription', 'credit')),
    metadata        JSONB NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ
);
-- An identifier is unique among live apps; a deleted app frees its bundle id for re-registration.
CREATE UNIQUE INDEX applications_identifier ON applications (app_identifier) WHERE deleted_at IS NULL;
CREATE INDEX applications_org ON applications (organization_id) WHERE deleted_at IS NULL;
CREATE INDEX applications_created ON applications (created_at DESC, id DESC) WHERE deleted_at IS NULL;
