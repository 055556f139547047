-- module: platform
-- Small facts the server keeps about itself (the key pepper's fingerprint, whether demo data was seeded).
CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
