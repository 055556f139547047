package io.tollgate.platform.internal;

import io.tollgate.platform.CacheInvalidation;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

@Component
class PostgresCacheInvalidation implements CacheInvalidation, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PostgresCacheInvalidation.class);
    static final String CHANNEL = "tollgate_cache";
    private static final int POLL_MILLIS = 500;
    private static final int RECONNECT_BACKOFF_MILLIS = 1_000;

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread listener;

    private record Subscriber(Consumer<String> onKey, Runnable onReset) {}

    PostgresCacheInvalidation(DataSource dataSource, JdbcTemplate jdbc) {
        this.dataSource = dataSource;
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
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(new Subscriber(onKey, onReset));
    }

    private void dispatch(String topic, String key) {
        for (Subscriber s : subscribers.getOrDefault(topic, List.of())) s.onKey().accept(key);
    }

    private void resetAll() {
        subscribers.values().forEach(list -> list.forEach(s -> s.onReset().run()));
    }

    private void listen() {
        boolean firstConnection = true;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                // Anything may have changed while nobody listened.
                if (!firstConnection) resetAll();
                firstConnection = false;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null) continue;
                    for (PGNotification n : notifications) {
                        String payload = n.getParameter();
                        int bar = payload.indexOf('|');
                        if (bar > 0) dispatch(payload.substring(0, bar), payload.substring(bar + 1));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) return;
                log.warn("Cache invalidation listener lost its connection ({}); reconnecting", e.getMessage());
                firstConnection = false;
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RECONNECT_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().daemon().name("cache-invalidation").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) listener.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
