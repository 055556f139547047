package io.tollgate.platform.internal;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.tollgate.platform.RateBuckets;
import java.time.Clock;

/** Translations between RateBuckets' types and Bucket4j's, shared by the local and the Redis store. */
final class BucketShapes {
    private BucketShapes() {}

    static BucketConfiguration configuration(RateBuckets.Limit limit) {
        return BucketConfiguration.builder().addLimit(b -> {
            var capacity = b.capacity(limit.capacity());
            return limit.refill() == RateBuckets.Refill.GREEDY
                    ? capacity.refillGreedy(limit.refillTokens(), limit.refillPeriod())
                    : capacity.refillIntervally(limit.refillTokens(), limit.refillPeriod());
        }).build();
    }

    static RateBuckets.Probe probe(ConsumptionProbe probe) {
        return new RateBuckets.Probe(probe.isConsumed(), probe.getRemainingTokens(), probe.getNanosToWaitForReset(),
                probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill());
    }

    /** An estimate of taking a whole bucket's worth says both what is there and how long until full. */
    static RateBuckets.Probe peek(EstimationProbe probe) {
        return new RateBuckets.Probe(false, probe.getRemainingTokens(), probe.getNanosToWaitForRefill(), 0);
    }

    /**
     * Bucket time from the application's Clock bean, like all business time, so tests can move an hour
     * ahead instead of sleeping through it. With Redis every node must agree on time: NTP, as for the
     * database. If the wall clock steps back, Bucket4j simply refills nothing until it catches up.
     */
    record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
