package io.tollgate.platform.internal;

import io.tollgate.platform.CacheInvalidation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Invalidation over PostgreSQL NOTIFY. Publishing notifies inside the changing transaction; every node
 * hears it through its {@link DatabaseWatch} connection, which also tells when notifications may have
 * been missed (its connection was lost), and then every subscriber drops everything.
 */
@Component
class PostgresCacheInvalidation implements CacheInvalidation, DatabaseWatch.Subscriber {
    static final String CHANNEL = "tollgate_cache";

    private final JdbcTemplate jdbc;
    private final Map<String, List<Subscription>> subscriptions = new ConcurrentHashMap<>();

    private record Subscription(Consumer<String> onKey, Runnable onReset) {}

    PostgresCacheInvalidation(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void publish(String topic, String key) {
        jdbc.queryForObject("SELECT pg_notify(?, ?)", String.class, CHANNEL, topic + "|" + key);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatch(topic, key);
                }
            });
        } else {
            dispatch(topic, key);
        }
    }

    @Override
    public void subscribe(String topic, Consumer<String> onKey, Runnable onReset) {
        subscriptions.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(new Subscription(onKey, onReset));
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void notified(String payload) {
        int bar = payload.indexOf('|');
        if (bar > 0) dispatch(payload.substring(0, bar), payload.substring(bar + 1));
    }

    @Override
    public void missed() {
        subscriptions.values().forEach(list -> list.forEach(s -> s.onReset().run()));
    }

    private void dispatch(String topic, String key) {
        for (Subscription s : subscriptions.getOrDefault(topic, List.of())) s.onKey().accept(key);
    }
}
