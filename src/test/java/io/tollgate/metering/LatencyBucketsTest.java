package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

    @Test
    void aLatencyFallsInTheFirstBucketWhoseBoundHoldsIt() {
        assertThat(LatencyBuckets.upperMillis(LatencyBuckets.bucket(0))).isEqualTo(1);
        assertThat(LatencyBuckets.upperMillis(LatencyBuckets.bucket(1))).isEqualTo(1);
        assertThat(LatencyBuckets.upperMillis(LatencyBuckets.bucket(7))).isEqualTo(8);
        assertThat(LatencyBuckets.upperMillis(LatencyBuckets.bucket(101))).isEqualTo(120);
        assertThat(LatencyBuckets.bucket(10_000_000)).isEqualTo(LatencyBuckets.count() - 1);
        for (long ms = 1; ms < 4_000_000; ms = ms * 3 / 2 + 1) {
            long bound = LatencyBuckets.upperMillis(LatencyBuckets.bucket(ms));
            if (ms <= 3_600_000) assertThat(bound).as(ms + " ms").isGreaterThanOrEqualTo(ms);
            // From 4 ms to a minute a bucket is at most a third wider than the one below it.
            if (ms >= 4 && ms <= 60_000) assertThat(bound).as(ms + " ms").isLessThanOrEqualTo(ms * 4 / 3 + 1);
        }
    }

    @Test
    void quantilesComeFromTheCountsInOrder() {
        long[] counts = new long[LatencyBuckets.count()];
        counts[LatencyBuckets.bucket(5)] = 90;
        counts[LatencyBuckets.bucket(250)] = 10;
        assertThat(LatencyBuckets.quantile(counts, 0.5)).isEqualTo(5);
        assertThat(LatencyBuckets.quantile(counts, 0.9)).isEqualTo(5);
        assertThat(LatencyBuckets.quantile(counts, 0.95)).isEqualTo(250);
        assertThat(LatencyBuckets.quantile(new long[LatencyBuckets.count()], 0.5)).isNull();
    }
}
