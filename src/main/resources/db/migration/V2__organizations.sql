-- module: organizations
-- A tenant: owns applications, a wallet and a subscription. Deleting keeps the row (history points at it).
CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    name          VARCHAR(255) NOT NULL,
    billing_email VARCHAR(320),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    metadata      JSONB NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at    TIMESTAMPTZ
);
CREATE INDEX organizations_created ON organizations (created_at DESC) WHERE deleted_at IS NULL;
