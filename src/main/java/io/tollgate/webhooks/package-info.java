/**
 * Webhooks. Outbound: events the other modules publish inside their own transactions are written to an
 * outbox in those transactions (so an event and its change commit together), delivered to the
 * organizations' endpoints signed the Standard Webhooks way, retried on a schedule, logged, and
 * recoverable; every connection goes through an egress guard that refuses private addresses. Inbound:
 * providers' webhooks verified by their scheme, stored once, processed asynchronously. Producers never
 * depend on this module: it listens to them.
 */
package io.tollgate.webhooks;
