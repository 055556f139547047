-- module: payments
-- Price of one credit per currency (minor units). A purchase of N credits costs N × price.
CREATE TABLE credit_prices (
    currency               CHAR(3) PRIMARY KEY,
    price_per_credit_minor BIGINT NOT NULL CHECK (price_per_credit_minor > 0),
    min_credits            BIGINT NOT NULL DEFAULT 1 CHECK (min_credits > 0),
    max_credits            BIGINT NOT NULL DEFAULT 1000000 CHECK (max_credits >= min_credits),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO credit_prices (currency, price_per_credit_minor, min_credits) VALUES
    ('USD', 10, 10),   -- $0.10
    ('THB', 350, 10),  -- ฿3.50
    ('KES', 1000, 1),  -- KSh 10.00
    ('AED', 40, 10);   -- AED 0.40

-- Seed 000 external_app_payments, seed 001 token_purchases, seed 004 payments: one table, any purpose.
-- Credits are granted only when the provider confirms, exactly once: the pending → succeeded update
-- decides, and the grant commits with it.
CREATE TABLE payments (
    id                 TEXT PRIMARY KEY,
    payer_type         TEXT NOT NULL CHECK (payer_type IN ('end_user', 'organization')),
    payer_id           TEXT NOT NULL,
    app_id             TEXT,
    organization_id    TEXT NOT NULL,
    wallet_id          TEXT,
    purpose            TEXT NOT NULL CHECK (purpose IN ('credit_purchase', 'subscription', 'invoice')),
    purpose_ref        TEXT,
    provider           TEXT NOT NULL CHECK (provider IN ('sandbox', 'stripe', 'mpesa')),
    status             TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled', 'refunded', 'partially_refunded')),
    amount_minor       BIGINT NOT NULL CHECK (amount_minor > 0),
    currency           CHAR(3) NOT NULL,
    credits            BIGINT NOT NULL DEFAULT 0 CHECK (credits >= 0),
    provider_reference VARCHAR(255),
    provider_data      JSONB NOT NULL DEFAULT '{}',
    phone_number       VARCHAR(20),
    failure_code       VARCHAR(100),
    failure_message    VARCHAR(500),
    refunded_minor     BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    credits_refunded   BIGINT NOT NULL DEFAULT 0,
    status_checks      INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    settled_at         TIMESTAMPTZ
);
CREATE UNIQUE INDEX payments_provider_reference ON payments (provider, provider_reference) WHERE provider_reference IS NOT NULL;
CREATE INDEX payments_pending ON payments (created_at) WHERE status = 'pending';
CREATE INDEX payments_payer ON payments (payer_id, created_at DESC);
CREATE INDEX payments_org ON payments (organization_id, created_at DESC);
CREATE INDEX payments_settled ON payments (settled_at) WHERE settled_at IS NOT NULL;

-- Every provider event (webhook or callback) is stored once, by the provider's own event id, then
-- processed; a replay finds it and changes nothing.
CREATE TABLE payment_events (
    provider     TEXT NOT NULL,
    event_id     VARCHAR(255) NOT NULL,
    type         VARCHAR(100) NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at TIMESTAMPTZ,
    outcome      VARCHAR(500),
    PRIMARY KEY (provider, event_id)
);

-- module: ledger
-- What a refund could not take back because it was already spent: owed, never a negative balance.
CREATE TABLE ledger_debts (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES ledger_accounts (id),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    repaid     BIGINT NOT NULL DEFAULT 0 CHECK (repaid >= 0 AND repaid <= amount),
    reference  TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_debts_open ON ledger_debts (account_id, created_at) WHERE repaid < amount;
