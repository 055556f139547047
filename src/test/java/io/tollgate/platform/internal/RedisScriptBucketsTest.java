package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tollgate.RedisServer;
import io.tollgate.platform.RateBuckets;
import io.tollgate.platform.RateBuckets.Limit;
import io.tollgate.platform.RateBuckets.Name;
import io.tollgate.platform.RateBuckets.Take;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bucket script against a real Redis, on a clock the test sets to the millisecond. */
class RedisScriptBucketsTest {
    private static RedisServer redis;
    private static final SetClock clock = new SetClock();
    private static RedisScriptBuckets buckets;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start("script-buckets");
        buckets = new RedisScriptBuckets(redis.url(), clock, 1_000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (buckets != null) buckets.close();
        if (redis != null) redis.close();
    }

    private static Name fresh() {
        return Name.of("test", UUID.randomUUID().toString());
    }

    private static boolean take(Name name, Limit limit) {
        return buckets.takeAll(List.of(new Take(name, limit))).getFirst().consumed();
    }

    @Test
    void greedyRefillAddsTokensContinuously() {
        Name name = fresh();
        Limit perHour = Limit.perHour(3_600, 3);
        for (int i = 0; i < 3; i++) assertThat(take(name, perHour)).isTrue();
        RateBuckets.Probe refused = buckets.takeAll(List.of(new Take(name, perHour))).getFirst();
        assertThat(refused.consumed()).isFalse();
        assertThat(refused.nanosToRetry()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(refused.nanosToFull()).isEqualTo(Duration.ofSeconds(3).toNanos());
        clock.advance(999);
        assertThat(take(name, perHour)).isFalse();
        clock.advance(1);
        assertThat(take(name, perHour)).isTrue();
        clock.advance(60_000);
        assertThat(buckets.peek(name, perHour).remaining()).isEqualTo(3);
    }

    @Test
    void intervalRefillComesWholeAtEachWindow() {
        Name name = fresh();
        Limit perMinute = new Limit(2, 2, Duration.ofMinutes(1), RateBuckets.Refill.INTERVALLY);
        assertThat(take(name, perMinute)).isTrue();
        assertThat(take(name, perMinute)).isTrue();
        clock.advance(59_000);
        RateBuckets.Probe refused = buckets.takeAll(List.of(new Take(name, perMinute))).getFirst();
        assertThat(refused.consumed()).isFalse();
        assertThat(refused.nanosToRetry()).isEqualTo(Duration.ofSeconds(1).toNanos());
        clock.advance(1_000);
        assertThat(take(name, perMinute)).isTrue();
        assertThat(take(name, perMinute)).isTrue();
        assertThat(take(name, perMinute)).isFalse();
    }

    @Test
    void aRefusalByOneBucketTakesNothingFromTheOthers() {
        Name roomy = fresh();
        Name tight = fresh();
        Limit ten = Limit.perHour(1, 10);
        Limit one = Limit.perHour(1, 1);
        assertThat(take(tight, one)).isTrue();
        List<RateBuckets.Probe> probes = buckets.takeAll(List.of(new Take(roomy, ten), new Take(tight, one)));
        assertThat(probes.get(0).consumed()).isTrue();
        assertThat(probes.get(1).consumed()).isFalse();
        assertThat(buckets.peek(roomy, ten).remaining()).isEqualTo(10);
    }

    @Test
    void aChangedLimitKeepsWhatWasSpent() {
        Name name = fresh();
        for (int i = 0; i < 3; i++) assertThat(take(name, Limit.perHour(1, 3))).isTrue();
        assertThat(take(name, Limit.perHour(1, 5))).isTrue();
        assertThat(take(name, Limit.perHour(1, 5))).isTrue();
        assertThat(take(name, Limit.perHour(1, 5))).isFalse();
        // Lowering never leaves more than the new size.
        Name other = fresh();
        assertThat(take(other, Limit.perHour(1, 10))).isTrue();
        assertThat(buckets.peek(other, Limit.perHour(1, 2)).remaining()).isEqualTo(2);
    }

    @Test
    void refillForgivesAndPeekSpendsNothing() {
        Name name = fresh();
        Limit two = Limit.perHour(1, 2);
        take(name, two);
        take(name, two);
        assertThat(buckets.peek(name, two).remaining()).isZero();
        assertThat(buckets.peek(name, two).remaining()).isZero();
        buckets.refill(name, two);
        assertThat(buckets.peek(name, two).remaining()).isEqualTo(2);
    }

    @Test
    void keysExpireWhenFullAgainAndIpv6OwnersStayWhole() {
        Name name = Name.of("test", "app_1", "2001:db8::1");
        Name lookalike = Name.of("test", "app_1:2001:db8:", ":1");
        assertThat(RedisKeys.of(name)).isNotEqualTo(RedisKeys.of(lookalike));
        take(name, Limit.perHour(3_600, 10));
        try (RedisClient client = RedisClient.create(redis.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            long ttl = c.sync().pttl(RedisKeys.of(name));
            // One token to regain at one a second, plus a minute.
            assertThat(ttl).isBetween(60_000L, 61_000L);
        }
    }

    @Test
    void aRestartedRedisIsUsedAgainAndTheScriptReloaded() throws Exception {
        Name name = fresh();
        assertThat(take(name, Limit.perHour(1, 5))).isTrue();
        redis.stop();
        assertThatThrownBy(() -> take(name, Limit.perHour(1, 5))).isInstanceOf(SharedStore.Unavailable.class);
        redis.startAgain();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                assertThat(take(name, Limit.perHour(1, 5))).isTrue();
                break;
            } catch (SharedStore.Unavailable notYet) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** A clock that moves only when told. */
    static final class SetClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

        void advance(long by) {
            millis.addAndGet(by);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
