-- module: billing
-- Stripe Prices known to bill a plan's terms: made by Tollgate, or an operator's (or seeded) id checked
-- at Stripe once. Prices are immutable at Stripe, so a plan whose price, currency or cycle changes gets a
-- new one (its id then goes on the plan); subscriptions on an older one keep paying what it says.
CREATE TABLE stripe_plan_prices (
    stripe_price_id   VARCHAR(100) PRIMARY KEY,
    plan_id           VARCHAR(50) NOT NULL,
    stripe_product_id VARCHAR(100),
    price_minor       BIGINT NOT NULL,
    currency          CHAR(3) NOT NULL,
    billing_cycle     TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stripe_plan_prices_terms ON stripe_plan_prices (plan_id, price_minor, currency, billing_cycle);
