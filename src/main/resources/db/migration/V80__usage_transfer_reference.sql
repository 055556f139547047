-- module: metering
-- A metering batch posts each wallet's calls as one spend transfer (see LedgerSession.write); every
-- usage event names the ledger movement that paid it: that transfer's reference, or the captured hold.
-- So "which transfer paid this call" and "do the calls of a transfer add up to its amount" stay answerable.
ALTER TABLE usage_events ADD COLUMN transfer_reference TEXT;

-- Nothing reads usage events by app or organization and time: reports and the console read the daily
-- rollups. Each index cost an insert per metered call on the hot path; the end-user index stays for
-- merging an anonymous user's history into a registered one.
DROP INDEX IF EXISTS usage_events_app_created;
DROP INDEX IF EXISTS usage_events_org_created;
