package io.tollgate.webhooks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * An inbound handler for InboundWebhooksTest, acting only on its own event types: probe.flaky fails its
 * first two attempts, probe.broken every one. Every other event passes through untouched.
 */
@Component
class InboundProbeHandler implements InboundHandler {
    static final Map<String, Integer> attempts = new ConcurrentHashMap<>();

    @Override
    public void handle(WebhookSource source, InboundEvent event) {
        if (!event.eventType().startsWith("probe.")) return;
        int attempt = attempts.merge(event.id(), 1, Integer::sum);
        if (event.eventType().equals("probe.broken") || (event.eventType().equals("probe.flaky") && attempt <= 2)) {
            throw new IllegalStateException("probe failure " + attempt);
        }
    }
}
