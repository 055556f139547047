package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
 * cached on this node.
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
}
