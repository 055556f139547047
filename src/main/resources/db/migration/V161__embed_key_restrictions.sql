-- module: keys
-- Restrictions a publishable key may carry (seed 001 "API Key Structure for App Embeds"): an embed key
-- is bound to one activation of a catalog app, may act only for app_permissions, and only from
-- allowed_origins (the browser's Origin header). NULL: no restriction (every key before this).
ALTER TABLE api_keys
    ADD COLUMN bound_to        TEXT,
    ADD COLUMN app_permissions TEXT[],
    ADD COLUMN allowed_origins TEXT[];
CREATE INDEX api_keys_bound_to ON api_keys (bound_to) WHERE bound_to IS NOT NULL;
