-- module: billing
-- Who is on which plan (seed 000 external_app_subscriptions, seed 001 customer_billing).
-- At most one live (active or past_due) subscription per subscriber.
CREATE TABLE subscriptions (
    id                     TEXT PRIMARY KEY,
    subscriber_type        TEXT NOT NULL CHECK (subscriber_type IN ('end_user', 'organization')),
    subscriber_id          TEXT NOT NULL,
    app_id                 TEXT,
    plan_id                VARCHAR(50) NOT NULL REFERENCES plans (id),
    status                 TEXT NOT NULL CHECK (status IN ('active', 'past_due', 'unpaid', 'canceled')),
    current_period_start   TIMESTAMPTZ NOT NULL,
    current_period_end     TIMESTAMPTZ NOT NULL,
    auto_renew             BOOLEAN NOT NULL DEFAULT true,
    cancel_at_period_end   BOOLEAN NOT NULL DEFAULT false,
    canceled_at            TIMESTAMPTZ,
    stripe_subscription_id VARCHAR(100) UNIQUE,
    stripe_customer_id     VARCHAR(100),
    metadata               JSONB NOT NULL DEFAULT '{}',
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (current_period_end > current_period_start)
);
CREATE UNIQUE INDEX subscriptions_one_live ON subscriptions (subscriber_type, subscriber_id) WHERE status IN ('active', 'past_due');
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber_id, created_at DESC);
