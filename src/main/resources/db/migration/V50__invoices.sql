-- module: invoices
-- Calls that were charged money, per rollup row: the quantity of an invoice's per-request lines; and
-- the app's organization, so invoices find an organization's charges without reading the app registry.
ALTER TABLE usage_daily ADD COLUMN charged_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_daily ADD COLUMN organization_id TEXT;
CREATE INDEX usage_daily_org_charged ON usage_daily (organization_id, day) WHERE charge_minor > 0;

-- Invoices per organization, month and currency: what was charged (per-request, postpaid) and what
-- was paid in the period (subscription fees, credit and token purchases, less refunds).
CREATE SEQUENCE invoice_numbers;
CREATE TABLE invoices (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL,
    number           VARCHAR(30) UNIQUE,
    period_start     DATE NOT NULL,
    period_end       DATE NOT NULL,
    currency         CHAR(3) NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void')),
    subtotal_minor   BIGINT NOT NULL,
    prepaid_minor    BIGINT NOT NULL,
    amount_due_minor BIGINT NOT NULL CHECK (amount_due_minor >= 0),
    issued_at        TIMESTAMPTZ,
    due_at           TIMESTAMPTZ,
    paid_at          TIMESTAMPTZ,
    voided_at        TIMESTAMPTZ,
    payment_id       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (organization_id, period_start, currency),
    CHECK (period_end >= period_start)
);
CREATE INDEX invoices_org ON invoices (organization_id, period_start DESC);
CREATE INDEX invoices_status ON invoices (status, period_start DESC);

CREATE TABLE invoice_lines (
    invoice_id        TEXT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL CHECK (line_no > 0),
    kind              TEXT NOT NULL CHECK (kind IN ('subscription', 'credit_purchase', 'per_request', 'refund')),
    description       VARCHAR(500) NOT NULL,
    quantity          BIGINT NOT NULL,
    unit_amount_minor BIGINT NOT NULL,
    amount_minor      BIGINT NOT NULL,
    prepaid           BOOLEAN NOT NULL,
    reference         TEXT,
    PRIMARY KEY (invoice_id, line_no)
);
