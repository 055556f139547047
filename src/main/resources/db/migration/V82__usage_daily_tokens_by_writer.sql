-- module: metering
-- The metering writer keeps usage_daily_tokens itself, in the same set-based pipeline and key order as
-- the other rollups (UsageWriter), so the statement trigger of V66 and its per-batch scan of the new
-- events go.
DROP TRIGGER usage_events_tokens ON usage_events;
DROP FUNCTION usage_daily_tokens_add();
