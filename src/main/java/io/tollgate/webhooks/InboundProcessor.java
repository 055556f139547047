package io.tollgate.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes stored inbound events off the request: intake has already answered the provider. Claims
 * due events with SKIP LOCKED (pending, retrying when their time comes, or processing whose node died
 * — its lease ran out), runs every {@link InboundHandler} and, for sources that forward, publishes
 * inbound.received — in the transaction that marks the event completed. A failure retries after 5 s,
 * 20 s, 80 s, … (±20 %, at most an hour) until TOLLGATE_WEBHOOK_INBOUND_MAX_ATTEMPTS, then fails;
 * an operator can retry a failed event.
 */
@Component
class InboundProcessor extends Poller {
    private static final Logger log = LoggerFactory.getLogger(InboundProcessor.class);
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofHours(1);
    private final SourceStore store;
    private final List<InboundHandler> handlers;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final InboundSignal signal;
    private final WebhookProperties properties;
    private final Clock clock;
    private final Semaphore slots;

    InboundProcessor(SourceStore store, List<InboundHandler> handlers, Outbox outbox, TransactionTemplate transactions, InboundSignal signal,
                     WebhookProperties properties, Clock clock) {
        super("webhook-inbound", Duration.ofSeconds(10), Integer.MAX_VALUE - 310);
        this.store = store;
        this.handlers = handlers;
        this.outbox = outbox;
        this.transactions = transactions;
        this.signal = signal;
        this.properties = properties;
        this.clock = clock;
        this.slots = new Semaphore(properties.inboundWorkers());
    }

    @Override
    protected void pollOnce() throws InterruptedException {
        if (!slots.tryAcquire(properties.inboundPollMillis(), TimeUnit.MILLISECONDS)) return;
        int free = 1;
        while (slots.tryAcquire()) free++;
        List<InboundEvent> claimed;
        try {
            Instant now = clock.instant();
            claimed = store.claim(free, now, now.plus(LEASE));
        } catch (RuntimeException e) {
            slots.release(free);
            log.warn("Could not claim inbound webhook events, will retry: {}", e.getMessage());
            Thread.sleep(properties.inboundPollMillis());
            return;
        }
        slots.release(free - claimed.size());
        if (claimed.isEmpty()) {
            signal.await(properties.inboundPollMillis());
            return;
        }
        for (InboundEvent event : claimed) {
            executor.execute(() -> {
                try {
                    process(event);
                } finally {
                    slots.release();
                }
            });
        }
    }

    void process(InboundEvent event) {
        try {
            transactions.executeWithoutResult(tx -> {
                WebhookSource source = store.byId(event.sourceId()).orElseThrow();
                for (InboundHandler handler : handlers) handler.handle(source, event);
                if (source.forward()) outbox.publish(source.organizationId(), "inbound.received", () -> forwarded(source, event));
                store.completed(event.id(), clock.instant());
            });
        } catch (RuntimeException e) {
            int attempt = event.retryCount() + 1;
            Instant next = attempt >= properties.inboundMaxAttempts() ? null : clock.instant().plus(backoff(attempt));
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            try {
                store.failed(event.id(), error, next);
            } catch (RuntimeException unrecorded) {
                log.warn("Inbound event {} failed ({}) and the failure could not be recorded; it is retried when its lease ends", event.id(), error);
            }
            log.info("Inbound event {} ({}) failed attempt {}: {}", event.id(), event.eventType(), attempt, error);
        }
    }

    /** 5 s × 4^(attempt−1), at most an hour, ±20 %. */
    static Duration backoff(int attempt) {
        long millis = FIRST_RETRY.toMillis() << Math.min(2L * (attempt - 1), 20);
        millis = Math.min(millis, LONGEST_RETRY.toMillis());
        return Duration.ofMillis(Math.round(millis * (1 + RetrySchedule.JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1))));
    }

    private static Map<String, Object> forwarded(WebhookSource source, InboundEvent event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source_id", source.id());
        data.put("source_name", source.name());
        data.put("event_id", event.eventId());
        data.put("event_type", event.eventType());
        data.put("received_at", event.receivedAt().toString());
        data.put("payload", event.payload());
        return data;
    }
}
