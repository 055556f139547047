-- module: billing
-- What a subscription was charged, and why: the first period, a renewal, or a plan change (with its
-- proration). A charge paid through a provider points at its payment; the payment's success or
-- failure moves the subscription. Stripe subscriptions are charged by Stripe's invoices instead.
CREATE TABLE subscription_charges (
    id                   TEXT PRIMARY KEY,
    subscription_id      TEXT NOT NULL REFERENCES subscriptions (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('first', 'renewal', 'change')),
    status               TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'applied')),
    payment_id           TEXT UNIQUE,
    amount_minor         BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency             CHAR(3) NOT NULL,
    period_start         TIMESTAMPTZ NOT NULL,
    period_end           TIMESTAMPTZ NOT NULL,
    -- renewals: credit balance used; changes: the proration
    credit_applied_minor BIGINT NOT NULL DEFAULT 0 CHECK (credit_applied_minor >= 0),
    from_plan_id         VARCHAR(50),
    to_plan_id           VARCHAR(50),
    proration_credit_minor BIGINT,
    proration_charge_minor BIGINT,
    remaining_seconds    BIGINT,
    period_seconds       BIGINT,
    failure_code         VARCHAR(100),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    settled_at           TIMESTAMPTZ
);
CREATE INDEX subscription_charges_subscription ON subscription_charges (subscription_id, created_at DESC);
