package io.tollgate.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes events into the outbox in the transaction of the change they report. Listeners call
 * {@link #publish} while the producing transaction runs; the events wait in a buffer bound to that
 * transaction and are written just before it commits, on its connection, in two statements whatever
 * their number (the organizations' endpoints, then messages and deliveries). So a change and its events
 * commit together or not at all, and a transaction with many events (a metering batch) pays one round
 * trip for them. Writing last also means an ordered endpoint's row (its sequence counter) is locked only
 * for the commit that follows, after every lock the producer itself takes.
 *
 * <p>An event nobody subscribed to writes nothing; its data is never even built (data is a supplier).
 */
@Component
class Outbox {
    /** How many (organization, dedupe key) pairs this node remembers having written, so repeats cost no query. */
    private static final int RECENT_MAX = 200_000;
    private final JdbcClient jdbc;
    private final Json json;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final DueDeliveries due;
    private final Cache<String, Boolean> recentlyDeduped = Caffeine.newBuilder().maximumSize(RECENT_MAX)
            .expireAfterWrite(Duration.ofDays(2)).build();

    Outbox(JdbcClient jdbc, Json json, Clock clock, TransactionTemplate transactions, DueDeliveries due) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.transactions = transactions;
        this.due = due;
    }

    /**
     * One event to publish. onlyEndpointId: for a test event, that endpoint alone, whatever its filter;
     * messageId: an id chosen by the caller (to answer with it), else one is made.
     */
    record Event(String organizationId, String type, Supplier<Map<String, Object>> data, String dedupeKey, String onlyEndpointId,
                 String messageId) {}

    void publish(String organizationId, String type, Supplier<Map<String, Object>> data) {
        publish(new Event(organizationId, type, data, null, null, null));
    }

    /** Once per organization and dedupeKey, ever (within the retention): a second publish writes nothing. */
    void publishOnce(String organizationId, String type, String dedupeKey, Supplier<Map<String, Object>> data) {
        if (recentlyDeduped.getIfPresent(organizationId + "\n" + dedupeKey) != null) return;
        publish(new Event(organizationId, type, data, dedupeKey, null, null));
    }

    void publish(Event event) {
        if (event.organizationId() == null) return; // nobody to tell (an app deleted long ago)
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            // The change already committed on its own: so does its event, at once.
            transactions.executeWithoutResult(tx -> publish(event));
            return;
        }
        Buffer buffer = (Buffer) TransactionSynchronizationManager.getResource(this);
        if (buffer == null) {
            buffer = new Buffer();
            TransactionSynchronizationManager.bindResource(this, buffer);
            TransactionSynchronizationManager.registerSynchronization(buffer);
        }
        if (buffer.flushed) {
            // Published by another synchronization's beforeCommit after ours ran: still this transaction.
            buffer.wrote |= write(List.of(event), buffer.deduped);
        } else {
            buffer.events.add(event);
        }
    }

    /**
     * The events of one transaction. A synchronization that unbinds itself while its transaction is
     * suspended (a REQUIRES_NEW inside it), so an inner transaction's events never join the outer's.
     */
    private final class Buffer implements TransactionSynchronization {
        final List<Event> events = new ArrayList<>();
        final List<String> deduped = new ArrayList<>();
        boolean flushed;
        boolean wrote;

        /** Late among the synchronizations, so work others do before the commit can still publish. */
        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE - 100;
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(Outbox.this);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(Outbox.this, this);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            flushed = true;
            wrote = write(events, deduped);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(Outbox.this);
            if (status != STATUS_COMMITTED) return;
            deduped.forEach(key -> recentlyDeduped.put(key, Boolean.TRUE));
            if (wrote) due.queued(); // this node's dispatcher at once, the others' by NOTIFY
        }
    }

    private record Target(String endpointId, boolean held, boolean ordered) {}

    /** Writes the events nobody ignores; true when a delivery was queued. dedupedOut collects the dedupe keys written or found. */
    private boolean write(List<Event> events, List<String> dedupedOut) {
        if (events.isEmpty()) return false;
        Instant now = clock.instant();
        Map<String, List<EndpointRow>> endpointsByOrganization = endpoints(events);
        List<String> ids = new ArrayList<>();
        List<String> organizations = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        List<String> dedupeKeys = new ArrayList<>();
        Map<String, List<Target>> targetsByMessage = new HashMap<>();
        Map<String, Integer> orderedCounts = new TreeMap<>();
        for (Event e : events) {
            List<Target> targets = new ArrayList<>();
            for (EndpointRow row : endpointsByOrganization.getOrDefault(e.organizationId(), List.of())) {
                boolean wanted = e.onlyEndpointId() != null ? row.id().equals(e.onlyEndpointId()) : EventFilter.matches(row.eventTypes(), e.type());
                if (wanted) targets.add(new Target(row.id(), row.disabled(), row.ordered()));
            }
            if (e.dedupeKey() != null) dedupedOut.add(e.organizationId() + "\n" + e.dedupeKey());
            if (targets.isEmpty()) continue;
            String id = e.messageId() != null ? e.messageId() : Ids.next("msg");
            ids.add(id);
            organizations.add(e.organizationId());
            types.add(e.type());
            bodies.add(body(e, now));
            dedupeKeys.add(e.dedupeKey());
            targetsByMessage.put(id, targets);
            targets.stream().filter(Target::ordered).forEach(t -> orderedCounts.merge(t.endpointId(), 1, Integer::sum));
        }
        if (ids.isEmpty()) return false;
        Map<String, long[]> sequences = sequences(orderedCounts);
        List<String> deliveryIds = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        List<String> endpointIds = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<Long> sequenceNumbers = new ArrayList<>();
        for (String id : ids) {
            for (Target t : targetsByMessage.get(id)) {
                deliveryIds.add(Ids.next("whd"));
                messageIds.add(id);
                endpointIds.add(t.endpointId());
                statuses.add(t.held() ? "held" : "pending");
                sequenceNumbers.add(t.ordered() ? ++sequences.get(t.endpointId())[0] : null);
            }
        }
        Timestamp at = Timestamp.from(now);
        // A message whose dedupe key exists already is not inserted, and so neither are its deliveries.
        int queued = jdbc.sql("""
                WITH m AS (
                  INSERT INTO webhook_messages (id, organization_id, event_type, body, dedupe_key, created_at)
                  SELECT i, o, t, b, k, cast(? AS timestamptz) FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS x(i, o, t, b, k)
                  ON CONFLICT (organization_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
                  RETURNING id)
                INSERT INTO webhook_deliveries (id, message_id, endpoint_id, status, sequence, next_attempt_at, created_at)
                SELECT d.i, d.m, d.e, d.s, d.q, CASE WHEN d.s = 'pending' THEN cast(? AS timestamptz) END, cast(? AS timestamptz)
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS d(i, m, e, s, q) JOIN m ON m.id = d.m""")
                .params(at, ids.toArray(String[]::new), organizations.toArray(String[]::new), types.toArray(String[]::new),
                        bodies.toArray(String[]::new), dedupeKeys.toArray(String[]::new), at, at,
                        deliveryIds.toArray(String[]::new), messageIds.toArray(String[]::new), endpointIds.toArray(String[]::new),
                        statuses.toArray(String[]::new), sequenceNumbers.toArray(Long[]::new))
                .update();
        return queued > 0 && statuses.contains("pending");
    }

    /** The body every attempt sends, byte for byte: Standard Webhooks' {type, timestamp, data}. */
    private String body(Event e, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", e.type());
        body.put("timestamp", now.toString());
        body.put("data", e.data().get());
        return json.write(body);
    }

    record EndpointRow(String id, String organizationId, List<String> eventTypes, boolean disabled, boolean ordered) {}

    /** The live, active endpoints of the events' organizations (disabled ones too: their events are held for recovery). */
    private Map<String, List<EndpointRow>> endpoints(List<Event> events) {
        String[] organizations = events.stream().map(Event::organizationId).distinct().toArray(String[]::new);
        Map<String, List<EndpointRow>> byOrganization = new HashMap<>();
        jdbc.sql("""
                SELECT id, organization_id, event_types, disabled_at IS NOT NULL AS disabled, ordered FROM webhook_endpoints
                WHERE organization_id = ANY(?) AND deleted_at IS NULL AND active""")
                .param(organizations)
                .query(rs -> {
                    EndpointRow row = new EndpointRow(rs.getString(1), rs.getString(2), List.of((String[]) rs.getArray(3).getArray()),
                            rs.getBoolean(4), rs.getBoolean(5));
                    byOrganization.computeIfAbsent(row.organizationId(), k -> new ArrayList<>()).add(row);
                });
        return byOrganization;
    }

    /**
     * Numbers for ordered endpoints' deliveries: each endpoint's counter is advanced once for all of this
     * transaction's deliveries, in id order (the row stays locked until commit, so numbers follow commit
     * order). Returns endpoint → {last number before this transaction's}. Numbers may skip (a deduplicated
     * message) but never repeat or go back.
     */
    private Map<String, long[]> sequences(Map<String, Integer> counts) {
        Map<String, long[]> first = new HashMap<>();
        for (String endpointId : new TreeSet<>(counts.keySet())) {
            int n = counts.get(endpointId);
            long last = jdbc.sql("UPDATE webhook_endpoints SET last_sequence = last_sequence + ? WHERE id = ? RETURNING last_sequence")
                    .params(n, endpointId).query(Long.class).single();
            first.put(endpointId, new long[] {last - n});
        }
        return first;
    }
}
