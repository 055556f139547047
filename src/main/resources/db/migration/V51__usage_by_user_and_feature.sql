-- module: metering
-- Per-user rollups by feature too, so an app's usage can be read for one user and one feature
-- without scanning events; errors counted as well.
ALTER TABLE usage_daily_users ADD COLUMN feature TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_daily_users ADD COLUMN errors BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily_users DROP CONSTRAINT usage_daily_users_pkey;
ALTER TABLE usage_daily_users ADD PRIMARY KEY (app_id, day, end_user_id, feature);
