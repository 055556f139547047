-- module: payments
-- Money that bought nothing (a first payment of a subscription replaced meanwhile, a second payment of
-- an invoice already paid): refunded by the reconciler. refund_due_error says why that could not be
-- done automatically (e.g. M-Pesa payments cannot be refunded through Tollgate): an operator's task.
ALTER TABLE payments ADD COLUMN refund_due_reason VARCHAR(200);
ALTER TABLE payments ADD COLUMN refund_due_error VARCHAR(500);
CREATE INDEX payments_refund_due ON payments (created_at) WHERE refund_due_reason IS NOT NULL;
-- The PaymentIntent that paid a Stripe subscription invoice (recorded with the invoice id as reference),
-- so charge.refunded finds it.
CREATE INDEX payments_stripe_intent ON payments ((provider_data ->> 'stripe_payment_intent'))
    WHERE provider_data ? 'stripe_payment_intent';

-- Each refund as it happened (amount_minor: what this refund added): revenue counts a refund on its own
-- day, and an invoice shows the refunds of its month, whenever the payment was made.
CREATE TABLE payment_refunds (
    id           BIGSERIAL PRIMARY KEY,
    payment_id   TEXT NOT NULL REFERENCES payments (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    refunded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_refunds_at ON payment_refunds (refunded_at);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);
-- Refunds made before this table existed: dated by their payment's last change, the best we know.
INSERT INTO payment_refunds (payment_id, amount_minor, refunded_at)
SELECT id, refunded_minor, updated_at FROM payments WHERE refunded_minor > 0;

-- Which PaymentIntent paid a Stripe invoice (event invoice_payment.paid, API 2025-03-31 and later), kept
-- whichever of it and invoice.paid comes first, so a subscription invoice's refund finds its payment.
CREATE TABLE stripe_invoice_payments (
    invoice_id        VARCHAR(255) PRIMARY KEY,
    payment_intent_id VARCHAR(255) NOT NULL,
    received_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
