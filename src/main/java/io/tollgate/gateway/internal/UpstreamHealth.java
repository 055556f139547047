package io.tollgate.gateway.internal;

import io.tollgate.gateway.GatewayProperties;
import io.tollgate.gateway.ProxyResult;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Last success and last failure of each upstream, kept in gateway_features for the admin API and the console.
 * Written off the request's thread and at most once per health-write-millis per feature, outcome and node, so
 * a busy upstream costs no write per call and no two calls wait on its row.
 */
@Component
public class UpstreamHealth {
    private static final Logger log = LoggerFactory.getLogger(UpstreamHealth.class);
    private final GatewayStore store;
    private final Clock clock;
    private final long everyNanos;
    private final Map<String, Long> lastWrite = new ConcurrentHashMap<>();

    public UpstreamHealth(GatewayStore store, Clock clock, GatewayProperties properties) {
        this.store = store;
        this.clock = clock;
        this.everyNanos = properties.healthWriteMillis() * 1_000_000;
    }

    public void record(String featureId, ProxyResult result) {
        if (result.kind() == ProxyResult.Kind.CIRCUIT_OPEN || result.kind() == ProxyResult.Kind.BUSY) return; // nothing was sent
        boolean failed = result.upstreamFailed();
        String key = featureId + (failed ? ":failure" : ":success");
        long now = System.nanoTime();
        Long previous = lastWrite.get(key);
        if (previous != null && now - previous < everyNanos) return;
        if (previous == null ? lastWrite.putIfAbsent(key, now) != null : !lastWrite.replace(key, previous, now)) return;
        Instant at = clock.instant();
        String failure = failed ? describe(result) : null;
        Thread.ofVirtual().name("gateway-health").start(() -> {
            try {
                if (failed) store.recordFailure(featureId, at, failure);
                else store.recordSuccess(featureId, at);
            } catch (RuntimeException e) {
                log.debug("Could not record the health of {}: {}", featureId, e.toString());
            }
        });
    }

    private static String describe(ProxyResult result) {
        if (result.kind() == ProxyResult.Kind.ANSWERED && result.complete()) return "HTTP " + result.upstreamStatus();
        return result.kind().name().toLowerCase() + ": " + result.failure();
    }
}
