package io.tollgate.webhooks;

/**
 * How a provider proves an inbound webhook is its own. STRIPE: Stripe-Signature "t=…,v1=…" (hex
 * HMAC-SHA256 of "t.body" under the endpoint secret as given), with a timestamp tolerance.
 * STANDARD_WEBHOOKS: webhook-id, webhook-timestamp, webhook-signature ("v1,base64…", several
 * allowed), with a tolerance. HMAC_SHA256_HEX: seed 002's verifyWebhook — the hex HMAC-SHA256 of the
 * body in a header (optionally "sha256=…", as GitHub sends it); it has no timestamp.
 */
public enum InboundScheme { STRIPE, STANDARD_WEBHOOKS, HMAC_SHA256_HEX }
