package io.tollgate.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * An endpoint's rate_limit_per_second on this node: a token bucket per endpoint holding one second's
 * worth. A delivery over the limit is not attempted; it is due again when the next token comes.
 */
@Component
class EndpointRateLimits {
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    /** 0 when the delivery may go now; otherwise how many milliseconds until it may. */
    long waitMillis(String endpointId, int perSecond) {
        return waitMillis(endpointId, perSecond, System.nanoTime());
    }

    long waitMillis(String endpointId, int perSecond, long nowNanos) {
        return buckets.get(endpointId + ":" + perSecond, k -> new Bucket(perSecond, nowNanos)).take(nowNanos);
    }

    private static final class Bucket {
        private final int perSecond;
        private double tokens;
        private long refilledNanos;

        Bucket(int perSecond, long nowNanos) {
            this.perSecond = perSecond;
            this.tokens = perSecond;
            this.refilledNanos = nowNanos;
        }

        synchronized long take(long now) {
            tokens = Math.min(perSecond, tokens + (now - refilledNanos) * perSecond / 1e9);
            refilledNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / perSecond));
        }
    }
}
