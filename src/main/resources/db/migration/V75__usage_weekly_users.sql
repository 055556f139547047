-- module: metering
-- Per-user usage by ISO week (week = its Monday, UTC), folded from usage_daily_users once the week has
-- closed (WeeklyUserRollup, in the background, never on the request path). "Top users" over a long range
-- then sums one row per user and week plus the days at the edges, instead of one per user, day and feature.
CREATE TABLE usage_weekly_users (
    week         DATE NOT NULL,
    app_id       TEXT NOT NULL,
    end_user_id  TEXT NOT NULL,
    calls        BIGINT NOT NULL DEFAULT 0,
    errors       BIGINT NOT NULL DEFAULT 0,
    credits_used BIGINT NOT NULL DEFAULT 0,
    charge_minor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (week, app_id, end_user_id)
);
CREATE INDEX usage_weekly_users_app ON usage_weekly_users (app_id, week);
CREATE INDEX usage_weekly_users_user ON usage_weekly_users (end_user_id);

-- How far the folding got: every week up to and including `through` (a Monday) is in usage_weekly_users.
CREATE TABLE usage_weekly_progress (
    id      BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    through DATE
);
INSERT INTO usage_weekly_progress (id, through) VALUES (true, NULL);

-- The all-apps dashboards filter the rollups by day alone; their primary keys start with app_id.
CREATE INDEX usage_daily_day ON usage_daily (day);
CREATE INDEX usage_daily_users_day ON usage_daily_users (day);
