package io.tollgate.metering;

/**
 * The latency histogram's buckets (usage_hourly_latency): bucket i holds calls of at most UPPER_MILLIS[i]
 * ms (and more than the bucket before); the last one everything slower. From 4 ms to a minute each bound is at
 * most a third above the one before, so a percentile read from them is at most a third above the true value.
 * Pure functions.
 */
public final class LatencyBuckets {
    static final int[] UPPER_MILLIS = {1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300,
            400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10_000, 12_000, 15_000, 20_000, 30_000,
            45_000, 60_000, 90_000, 120_000, 180_000, 300_000, 600_000, 1_800_000, 3_600_000};

    private LatencyBuckets() {}

    static int bucket(long millis) {
        int low = 0;
        int high = UPPER_MILLIS.length;
        while (low < high) { // the first bucket whose upper bound is ≥ millis
            int mid = (low + high) >>> 1;
            if (UPPER_MILLIS[mid] < millis) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /** The upper bound of a bucket in ms; the open last bucket reports the last bound. */
    static long upperMillis(int bucket) {
        return UPPER_MILLIS[Math.min(bucket, UPPER_MILLIS.length - 1)];
    }

    /**
     * The q-quantile (0 < q ≤ 1) of a histogram as the upper bound of the bucket it falls in; null for no calls.
     * counts[i] is the number of calls in bucket i.
     */
    static Long quantile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) total += c;
        if (total == 0) return null;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return upperMillis(i);
        }
        return upperMillis(counts.length - 1);
    }

    static int count() {
        return UPPER_MILLIS.length + 1;
    }
}
