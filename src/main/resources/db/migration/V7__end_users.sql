-- module: identity
-- End users of an application (seed 000 external_app_users, seed 004 users): registered with
-- email/phone and password, anonymous by device, or named by the app itself (external_user_id).
CREATE TABLE end_users (
    id               TEXT PRIMARY KEY,
    app_id           TEXT NOT NULL REFERENCES applications (id),
    kind             TEXT NOT NULL CHECK (kind IN ('registered', 'anonymous', 'external')),
    email            VARCHAR(320),
    phone            VARCHAR(20),
    password_hash    TEXT,
    external_user_id VARCHAR(255),
    device_id        VARCHAR(255),
    master_user_id   VARCHAR(255),
    user_data        JSONB NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'merged')),
    merged_into      TEXT REFERENCES end_users (id),
    last_seen_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX end_users_email ON end_users (app_id, lower(email)) WHERE email IS NOT NULL AND status <> 'merged';
CREATE UNIQUE INDEX end_users_phone ON end_users (app_id, phone) WHERE phone IS NOT NULL AND status <> 'merged';
CREATE UNIQUE INDEX end_users_external ON end_users (app_id, external_user_id) WHERE external_user_id IS NOT NULL;
CREATE UNIQUE INDEX end_users_device ON end_users (app_id, device_id) WHERE device_id IS NOT NULL AND status <> 'merged';
CREATE INDEX end_users_app_created ON end_users (app_id, created_at DESC, id DESC);
