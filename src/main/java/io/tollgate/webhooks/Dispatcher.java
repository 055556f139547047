package io.tollgate.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * This node's share of the delivery queue. One poller takes free slots, claims that many due
 * deliveries with their bodies in one statement (SKIP LOCKED: nodes share the queue), and runs each
 * attempt on a virtual thread; an answered attempt queues its result for the {@link ResultWriter} and
 * gives its slot back ({@link DeliveryFlow}). It claims again at once while claims come back full, and
 * when idle waits to be woken — by a commit that queued deliveries on any node ({@link DueDeliveries}),
 * a slot coming free or a recorded result — or at the latest TOLLGATE_WEBHOOK_POLL_MILLIS, the safety net.
 */
@Component
class Dispatcher extends Poller {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** After a failed claim (the database away), the next try: soon, but not in a tight loop, whatever the poll. */
    private static final long CLAIM_RETRY_MILLIS = 1_000;
    private final DeliveryStore store;
    private final EndpointConfigs endpoints;
    private final EndpointRateLimits rateLimits;
    private final Sender sender;
    private final ResultWriter results;
    private final DeliveryFlow flow;
    private final WebhookProperties properties;
    private final Clock clock;

    Dispatcher(DeliveryStore store, EndpointConfigs endpoints, EndpointRateLimits rateLimits, Sender sender, ResultWriter results,
               DeliveryFlow flow, WebhookProperties properties, Clock clock) {
        // Stops before the result writer (which records what finishes while this drains) and well before the
        // DataSource closes; attempts in flight may take the whole timeout.
        super("webhook-dispatcher", Duration.ofMillis(properties.timeoutMillis() + 1_000), Integer.MAX_VALUE - 310);
        this.store = store;
        this.endpoints = endpoints;
        this.rateLimits = rateLimits;
        this.sender = sender;
        this.results = results;
        this.flow = flow;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    protected void pollOnce() throws InterruptedException {
        int slots = flow.take(properties.claimBatch(), properties.pollMillis());
        if (slots == 0) return;
        DeliveryStore.Claim claim;
        try {
            Instant now = clock.instant();
            claim = store.claim(slots, now, now.plusSeconds(properties.leaseSeconds()));
        } catch (RuntimeException e) {
            flow.release(slots);
            log.warn("Could not claim webhook deliveries, will retry: {}", e.getMessage());
            Thread.sleep(Math.min(properties.pollMillis(), CLAIM_RETRY_MILLIS));
            return;
        }
        flow.release(slots - claim.deliveries().size());
        if (claim.deliveries().isEmpty()) {
            flow.await(properties.pollMillis());
            return;
        }
        start(claim);
    }

    /** Endpoints for the whole claim (cached; one lookup for those not), then one virtual thread per attempt. */
    private void start(DeliveryStore.Claim claim) {
        List<DeliveryStore.Claimed> claimed = claim.deliveries();
        Map<String, String> bodies = claim.bodies();
        Map<String, EndpointConfig> configs;
        try {
            configs = endpoints.get(new HashSet<>(claimed.stream().map(DeliveryStore.Claimed::endpointId).toList()));
        } catch (RuntimeException e) {
            // The claims' leases run out and the deliveries come back: nothing is lost.
            log.warn("Could not load {} claimed webhook deliveries; they are retried when their lease ends: {}", claimed.size(), e.getMessage());
            flow.release(claimed.size());
            return;
        }
        for (DeliveryStore.Claimed c : claimed) {
            executor.execute(() -> results.add(attempt(c, bodies.get(c.messageId()), configs.get(c.endpointId()))));
        }
    }

    DeliveryResult attempt(DeliveryStore.Claimed c, String body, EndpointConfig endpoint) {
        Instant now = clock.instant();
        if (endpoint == null || !endpoint.receiving() || body == null) return DeliveryResult.held(c, now);
        if (endpoint.rateLimitPerSecond() != null) {
            long wait = rateLimits.waitMillis(endpoint.id(), endpoint.rateLimitPerSecond());
            if (wait > 0) return DeliveryResult.deferred(c, now.plusMillis(wait));
        }
        Sender.Answer answer;
        try {
            answer = sender.send(endpoint, c.messageId(), body, c.sequence(), now);
        } catch (RuntimeException e) {
            log.warn("Webhook delivery {} failed unexpectedly", c.deliveryId(), e);
            answer = new Sender.Answer(null, null, "internal error: " + e.getClass().getSimpleName(), 0, null);
        }
        return outcome(c, answer, now, ThreadLocalRandom.current().nextDouble(), Duration.ofSeconds(properties.maxRetryAfterSeconds()));
    }

    /** What the answer means for the delivery: done, gone, or the next attempt per the schedule. Pure. */
    static DeliveryResult outcome(DeliveryStore.Claimed c, Sender.Answer a, Instant now, double random, Duration maxRetryAfter) {
        if (a.succeeded()) {
            return new DeliveryResult(c, DeliveryResult.Outcome.SUCCEEDED, a.status(), a.excerpt(), null, a.latencyMillis(), now, "succeeded", null);
        }
        if (a.status() != null && a.status() == 410) {
            return new DeliveryResult(c, DeliveryResult.Outcome.GONE, 410, a.excerpt(), "410 Gone: the endpoint is disabled", a.latencyMillis(), now,
                    "failed", null);
        }
        String error = a.error() != null ? a.error()
                : a.status() != null && a.status() >= 300 && a.status() < 400 ? "redirects are not followed" : null;
        Optional<Instant> next = RetrySchedule.next(c.runAttempts() + 1, now, random, a.retryAfter(), maxRetryAfter);
        return new DeliveryResult(c, DeliveryResult.Outcome.FAILED, a.status(), a.excerpt(), error, a.latencyMillis(), now,
                next.isPresent() ? "pending" : "failed", next.orElse(null));
    }
}
