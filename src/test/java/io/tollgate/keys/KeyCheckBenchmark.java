package io.tollgate.keys;

import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: one cached API key check — shape and checksum, peppered HMAC, cache lookup, revoked/expired —
 * as the filter runs it on every /api/v1 call. Target ≤ 2 µs. Run by bench/run.sh (not a unit test).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyCheckBenchmark {
    @Param({"1", "100000"})
    int cachedKeys;

    private KeyCheck check;
    private String[] keys;
    private int next;

    @Setup
    public void setup() {
        SecretHasher hasher = new SecretHasher("bench-pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        Map<HashKey, KeyRecord> store = new HashMap<>();
        keys = new String[cachedKeys];
        Set<String> scopes = Set.copyOf(Scopes.defaultsFor(KeyType.SECRET));
        for (int i = 0; i < cachedKeys; i++) {
            keys[i] = TokenCodec.generate("tg_sk_live_");
            store.put(HashKey.of(hasher.hash(keys[i])), new KeyRecord("key_" + i, "app_bench", KeyType.SECRET, KeyEnvironment.LIVE,
                    scopes, 1000, Long.MAX_VALUE, false, keys[i].substring(0, 15), "bench"));
        }
        check = new KeyCheck(hasher, new KeyDirectory(hash -> Optional.ofNullable(store.get(hash)), 200_000));
        for (String key : keys) check.check(key, 0); // every key cached, as in steady state
    }

    @Benchmark
    public KeyCheck.Result cachedKeyCheck() {
        String key = keys[next];
        next = next + 1 == keys.length ? 0 : next + 1;
        return check.check(key, System.currentTimeMillis());
    }
}
