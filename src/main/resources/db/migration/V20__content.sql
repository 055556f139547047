-- module: content
-- Content an app sells or gives away (seed 000 "Content Access"). url and body are what a view
-- unlocks; for paid items the API reveals them only through POST …/view or …/download.
CREATE TABLE content_items (
    id                        TEXT PRIMARY KEY,
    app_id                    TEXT NOT NULL REFERENCES applications (id),
    title                     VARCHAR(255) NOT NULL,
    type                      TEXT NOT NULL CHECK (type IN ('video', 'image', 'audio', 'article', 'file')),
    url                       VARCHAR(2000),
    thumbnail_url             VARCHAR(2000),
    description               VARCHAR(5000),
    body                      TEXT CHECK (length(body) <= 100000),
    pricing_type              TEXT NOT NULL DEFAULT 'free' CHECK (pricing_type IN ('free', 'credits', 'subscription')),
    credits_required          INTEGER NOT NULL DEFAULT 0 CHECK (credits_required >= 0),
    -- NULL: a download costs what a view costs.
    download_credits_required INTEGER CHECK (download_credits_required IS NULL OR download_credits_required >= 0),
    status                    TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('published', 'draft')),
    metadata                  JSONB NOT NULL DEFAULT '{}',
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at                TIMESTAMPTZ,
    CHECK (pricing_type <> 'credits' OR credits_required > 0)
);
-- The admin list (every live item) and the app API's list (published only), newest first.
CREATE INDEX content_items_app ON content_items (app_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX content_items_app_published ON content_items (app_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL AND status = 'published';
