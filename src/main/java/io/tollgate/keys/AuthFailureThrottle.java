package io.tollgate.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Failed key checks per client address, limited BEFORE anything is hashed or looked up: an address
 * that used up its failures is answered 429 at the door, so a flood of well-formed random keys costs
 * neither an HMAC nor a query once it is limited (each new random key would otherwise miss every
 * cache and cost one). The price: while an address is limited, good keys from it wait too, because
 * telling them apart is exactly the work being refused. The budget is a token bucket of
 * {@code perMinute} failures refilled evenly over a minute, so a client that fixes its key is let in
 * again within seconds. Buckets live in a bounded cache that forgets an address idle for a minute (its
 * bucket would be full by then anyway). Per node, like the other throttles.
 */
@Component
class AuthFailureThrottle {
    private final Cache<String, Bucket> addresses;
    private final int perMinute;

    AuthFailureThrottle(@Value("${tollgate.keys.auth-failures-per-address-per-minute}") int perMinute,
                        @Value("${tollgate.keys.auth-failure-tracked-addresses}") long trackedAddresses) {
        if (perMinute < 0) throw new IllegalStateException("TOLLGATE_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE must be 0 (off) or more");
        if (trackedAddresses < 1) throw new IllegalStateException("TOLLGATE_AUTH_FAILURE_TRACKED_ADDRESSES must be 1 or more");
        this.perMinute = perMinute;
        this.addresses = Caffeine.newBuilder().maximumSize(trackedAddresses).expireAfterAccess(Duration.ofMinutes(1)).build();
    }

    /** Seconds until this address may try again, or 0 when it may try now. Costs no token. */
    long retryAfterSeconds(String address) {
        if (perMinute == 0) return 0;
        Bucket bucket = addresses.getIfPresent(address);
        if (bucket == null) return 0;
        EstimationProbe probe = bucket.estimateAbilityToConsume(1);
        if (probe.canBeConsumed()) return 0;
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts one failed check against the address. */
    void failed(String address) {
        if (perMinute == 0) return;
        addresses.get(address, a -> Bucket.builder().addLimit(Bandwidth.builder()
                .capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build()).build()).tryConsume(1);
    }

    int perMinute() {
        return perMinute;
    }
}
