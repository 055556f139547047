package io.tollgate.platform;

import java.time.Duration;
import java.util.List;

/**
 * Token buckets for rate limits and throttles. With TOLLGATE_REDIS_URL set, every node shares them in
 * Redis (Bucket4j over Lettuce), so N nodes give a client one limit, not N; without it each node
 * keeps its own in memory. What happens while Redis is unreachable is TOLLGATE_REDIS_FAILURE_POLICY:
 * {@code fail_open} falls back to this node's own buckets, {@code fail_closed} answers
 * {@code 503 RATE_LIMIT_UNAVAILABLE}.
 */
public interface RateBuckets {

    /** Greedy refill adds tokens continuously (3,600/hour = one a second); intervally all at once per period. */
    enum Refill { GREEDY, INTERVALLY }

    /** A bucket's shape: {@code capacity} tokens, refilled with {@code refillTokens} per {@code refillPeriod}. */
    record Limit(long capacity, long refillTokens, Duration refillPeriod, Refill refill) {
        public Limit {
            if (capacity < 1 || refillTokens < 1 || refillPeriod.isNegative() || refillPeriod.isZero()) {
                throw new IllegalArgumentException("a bucket needs a positive capacity, refill and period");
            }
        }

        /** {@code perHour} tokens an hour, refilled continuously, holding at most {@code capacity}. */
        public static Limit perHour(long perHour, long capacity) {
            return new Limit(capacity, perHour, Duration.ofHours(1), Refill.GREEDY);
        }

        /** Nanoseconds an empty bucket takes to be full again. */
        public long nanosToFill() {
            // capacity × period overflows a long for large hourly limits; a double is exact enough here.
            return (long) Math.ceil((double) capacity / refillTokens * refillPeriod.toNanos());
        }
    }

    /**
     * One bucket: {@code scope} groups buckets of one kind (each scope is bounded on its own in memory),
     * {@code owner} says whose it is within that scope (e.g. an app id and a client address).
     */
    record Name(String scope, List<String> owner) {
        /** [a-z][a-z0-9_-]*, checked without a regular expression: a name is made on every rate-limited call. */
        private static boolean plainWord(String s) {
            if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') return false;
            for (int i = 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
            }
            return true;
        }

        public Name {
            if (!plainWord(scope)) throw new IllegalArgumentException("a bucket scope is a plain lower-case word");
            owner = List.copyOf(owner);
        }

        public static Name of(String scope, String... owner) {
            return new Name(scope, List.of(owner));
        }
    }

    /** A bucket to take a token from, with its shape. */
    record Take(Name name, Limit limit) {}

    /**
     * @param consumed     whether this bucket granted the token (when another bucket refused, nothing is taken from any)
     * @param nanosToFull  until the bucket is full again
     * @param nanosToRetry until a refused take would pass; 0 when this one was consumed
     */
    record Probe(boolean consumed, long remaining, long nanosToFull, long nanosToRetry) {}

    /**
     * Takes one token from every bucket, or from none: when a bucket refuses, tokens already taken
     * from the others are given back. Answers one probe per take, in order.
     */
    List<Probe> takeAll(List<Take> takes);

    default Probe take(Name name, Limit limit) {
        return takeAll(List.of(new Take(name, limit))).getFirst();
    }

    /** What the bucket holds now, spending nothing. */
    Probe peek(Name name, Limit limit);

    /** Fills the bucket up (a correct password forgives earlier failures). */
    void refill(Name name, Limit limit);

    /** Whether the buckets are shared by every node right now (false: this node's own). */
    boolean shared();
}
