-- module: billing
-- Subscriptions get a lifecycle: incomplete (awaiting the first payment) → active → past_due (a
-- renewal is unpaid) → unpaid (still unpaid after the grace period) or back to active; any → canceled.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
    CHECK (status IN ('incomplete', 'active', 'past_due', 'unpaid', 'canceled'));

-- One live subscription per subscriber; an incomplete one counts, so two first payments never race.
DROP INDEX subscriptions_one_live;
CREATE UNIQUE INDEX subscriptions_one_live ON subscriptions (subscriber_type, subscriber_id)
    WHERE status IN ('incomplete', 'active', 'past_due');

-- payment_method: how renewals are paid ('none': put on the plan by an operator, renewed free of charge).
-- price_minor/currency: the plan's full-period price this period was bought at (proration credits it).
-- credit_balance_minor: left over from a downgrade, taken off the next renewals.
-- billing_anchor: periods end at anchor + n cycles, so a 31st keeps ending on month ends.
ALTER TABLE subscriptions
    ADD COLUMN organization_id         TEXT,
    ADD COLUMN payment_method          TEXT NOT NULL DEFAULT 'none' CHECK (payment_method IN ('none', 'sandbox', 'mpesa', 'stripe')),
    ADD COLUMN phone_number            VARCHAR(20),
    ADD COLUMN sandbox_renewal_outcome TEXT CHECK (sandbox_renewal_outcome IN ('succeed', 'fail', 'pending')),
    ADD COLUMN price_minor             BIGINT CHECK (price_minor >= 0),
    ADD COLUMN currency                CHAR(3),
    ADD COLUMN credit_balance_minor    BIGINT NOT NULL DEFAULT 0 CHECK (credit_balance_minor >= 0),
    ADD COLUMN billing_anchor          TIMESTAMPTZ,
    ADD COLUMN past_due_since          TIMESTAMPTZ,
    ADD COLUMN cancel_reason           VARCHAR(50),
    ADD COLUMN stripe_item_id          VARCHAR(100),
    -- Stripe events arrive in any order: the newest event applied, and the end of the last paid period.
    ADD COLUMN stripe_synced_at        TIMESTAMPTZ,
    ADD COLUMN stripe_paid_through     TIMESTAMPTZ;

UPDATE subscriptions SET billing_anchor = current_period_start,
    organization_id = CASE WHEN subscriber_type = 'organization' THEN subscriber_id END;
UPDATE subscriptions s SET price_minor = p.price_minor, currency = p.currency FROM plans p WHERE p.id = s.plan_id;
ALTER TABLE subscriptions ALTER COLUMN billing_anchor SET NOT NULL;
ALTER TABLE subscriptions ALTER COLUMN price_minor SET NOT NULL;
ALTER TABLE subscriptions ALTER COLUMN currency SET NOT NULL;

-- The renewal scheduler's two questions: whose period ended, whose grace ran out.
CREATE INDEX subscriptions_due ON subscriptions (current_period_end) WHERE status = 'active' AND payment_method <> 'stripe';
CREATE INDEX subscriptions_past_due ON subscriptions (past_due_since) WHERE status = 'past_due' AND payment_method <> 'stripe';
