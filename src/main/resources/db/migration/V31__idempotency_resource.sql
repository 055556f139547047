-- module: platform
-- Work whose answer comes from a provider after the first commit (a payment) records what it created,
-- so a replay after a crash between the two commits can still answer from that resource.
ALTER TABLE idempotency_keys ADD COLUMN resource_id TEXT;
