package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.LoopbackProxy;
import io.tollgate.platform.ProxiedDatabaseTest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The LISTEN connection that carries cache invalidations can die without a word (a partition, a
 * firewall dropping an idle flow): no error ever reaches a connection that only waits for
 * notifications. The watch probes it every check-millis with a query that must answer within
 * check-timeout-millis; silenced, it is found dead, caches are dropped, it reconnects, and
 * notifications flow again. Without the probe it would wait forever, and a revoked key would stay
 * cached on this node. And once it is back, the node drops what it may have missed while it was away.
 */
class WatchConnectionTest extends ProxiedDatabaseTest {
    @Autowired
    CacheInvalidation invalidation;
    @Autowired
    DatabaseWatch watch;

    @Test
    void aSilentlyDeadListenConnectionIsFoundReplacedAndItsCachesDropped() throws Exception {
        AtomicInteger resets = new AtomicInteger();
        Set<String> heard = ConcurrentHashMap.newKeySet();
        invalidation.subscribe("watch-test", heard::add, resets::incrementAndGet);
        // A test context paused between test classes stops the watch; resumed, it connects again.
        for (int i = 0; i < 600 && watch.backendPid() == 0; i++) Thread.sleep(50);
        int before = watch.backendPid();
        assertThat(before).isPositive();
        int clientPort = jdbc.sql("SELECT client_port FROM pg_stat_activity WHERE pid = ?").param(before).query(Integer.class).single();

        proxy.fault(clientPort, LoopbackProxy.Fault.SILENCE);
        // No time bound asserted (a loaded machine may be slow); without the probe this never happens.
        for (int i = 0; i < 600 && (resets.get() == 0 || watch.backendPid() == 0 || watch.backendPid() == before); i++) Thread.sleep(50);
        assertThat(resets.get()).as("caches dropped when the connection was found dead").isPositive();
        assertThat(watch.backendPid()).as("a new watch connection").isPositive().isNotEqualTo(before);

        // Notifications reach this node again, through the new connection.
        jdbc.sql("SELECT pg_notify(?, ?)").params(PostgresCacheInvalidation.CHANNEL, "watch-test|k1").query(String.class).single();
        for (int i = 0; i < 200 && !heard.contains("k1"); i++) Thread.sleep(50);
        assertThat(heard).contains("k1");
    }

    /**
     * Issue 18 point 2: once its LISTEN connection is back, the node drops the caches whose notifications it
     * may have missed while it was away. The watch's backend is ended, and its new connection is held back
     * by the proxy just after login (at its SET application_name), so for a while the node serves without
     * listening: it reads the key afresh (valid), then the key is revoked in SQL, as another node would, and
     * nothing tells this one: it still takes the key. Once the watch is let through, the node must refuse
     * the key: only the drop on reconnecting can tell it (the drop on losing the connection came before).
     */
    @Test
    void whenItsListenConnectionIsBackTheNodeDropsWhatItMayHaveMissed() throws Exception {
        String appId = createApp();
        var key = createKey(appId, java.util.Map.of());
        Api client = appClient(appId, key.get("key").asString());
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        for (int i = 0; i < 600 && watch.backendPid() == 0; i++) Thread.sleep(50);
        int before = watch.backendPid();
        assertThat(before).isPositive();

        try (LoopbackProxy.Hold reconnect = proxy.hold(DirectConnections.WATCH)) {
            assertThat(jdbc.sql("SELECT pg_terminate_backend(?, 10000)").param(before).query(Boolean.class).single()).isTrue();
            // Held means the watch lost its connection, dropped its caches and is connecting again.
            for (int i = 0; i < 600 && reconnect.held() == 0; i++) Thread.sleep(25);
            assertThat(reconnect.held()).as("the watch's new connection is held back").isPositive();
            assertThat(watch.backendPid()).isZero();

            assertThat(client.get("/api/v1/app").status()).as("the key read afresh").isEqualTo(200);
            assertThat(jdbc.sql("UPDATE api_keys SET status = 'revoked', revoked_at = now(), updated_at = now() WHERE id = ?")
                    .param(key.get("id").asString()).update()).isEqualTo(1);
            assertThat(client.get("/api/v1/app").status()).as("revoked while the node was not listening: not heard of").isEqualTo(200);
        }
        for (int i = 0; i < 600 && watch.backendPid() == 0; i++) Thread.sleep(25);
        assertThat(watch.backendPid()).as("listening again").isPositive().isNotEqualTo(before);
        long deadline = System.currentTimeMillis() + 1_000;
        int status = 200;
        while (System.currentTimeMillis() < deadline && (status = client.get("/api/v1/app").status()) == 200) Thread.sleep(20);
        assertThat(status).as("the key revoked while the node was not listening is refused once it listens again").isEqualTo(401);
    }
}
