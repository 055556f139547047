package io.tollgate.webhooks;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * What delivering to an endpoint needs, with its secrets opened: cached per node, dropped at every
 * change. receiving: active, not disabled, not deleted. previousKey signs too until previousExpiresAt.
 */
record EndpointConfig(String id, String organizationId, URI uri, Map<String, String> headers, boolean ordered, Integer rateLimitPerSecond,
                      boolean receiving, byte[] key, byte[] previousKey, Instant previousExpiresAt) {

    /** webhook-signature: one "v1,…" per secret in use, space-separated (Standard Webhooks' rotation). */
    String signature(String messageId, long timestampSeconds, String body, Instant now) {
        String current = Signatures.standard(key, messageId, timestampSeconds, body);
        if (previousKey == null || previousExpiresAt == null || !now.isBefore(previousExpiresAt)) return current;
        return current + " " + Signatures.standard(previousKey, messageId, timestampSeconds, body);
    }
}
