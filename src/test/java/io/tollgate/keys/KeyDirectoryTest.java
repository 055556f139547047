package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Unknown keys are remembered apart from real ones, so a flood of made-up keys cannot push real keys out. */
class KeyDirectoryTest {

    private static byte[] hash(int n) {
        return ByteBuffer.allocate(32).putInt(n).array();
    }

    @Test
    void aFloodOfUnknownKeysLeavesRealKeysCached() {
        int real = 500;
        Map<HashKey, KeyRecord> store = new HashMap<>();
        for (int i = 0; i < real; i++) {
            store.put(HashKey.of(hash(i)), new KeyRecord("key_" + i, "app_x", KeyType.SECRET, KeyEnvironment.LIVE, Set.of(),
                    1000, Long.MAX_VALUE, false, "tg_sk_live_abcd", "k" + i));
        }
        AtomicInteger loads = new AtomicInteger();
        KeyDirectory directory = new KeyDirectory(h -> {
            loads.incrementAndGet();
            return Optional.ofNullable(store.get(h));
        }, real);
        for (int i = 0; i < real; i++) assertThat(directory.lookup(hash(i))).isPresent();
        assertThat(loads.get()).isEqualTo(real);

        // Hostile traffic: many made-up keys, each retried, which makes them look popular to the cache.
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20 * real; i++) assertThat(directory.lookup(hash(1_000_000 + i))).isEmpty();
        }
        directory.cleanUp();
        int loadsAfterFlood = loads.get();
        for (int i = 0; i < real; i++) assertThat(directory.lookup(hash(i))).isPresent();
        assertThat(loads.get()).as("real keys reloaded from the database after the flood").isEqualTo(loadsAfterFlood);
        assertThat(directory.size()).isEqualTo(real);
    }

    @Test
    void unknownKeysAreRememberedSoJunkCostsOneQueryAtMost() {
        AtomicInteger loads = new AtomicInteger();
        KeyDirectory directory = new KeyDirectory(h -> {
            loads.incrementAndGet();
            return Optional.empty();
        }, 10_000);
        for (int i = 0; i < 10; i++) assertThat(directory.lookup(hash(42))).isEmpty();
        assertThat(loads.get()).isEqualTo(1);
        assertThat(directory.size()).isZero();
    }
}
