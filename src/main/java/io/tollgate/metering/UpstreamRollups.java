package io.tollgate.metering;

import io.tollgate.platform.SqlPipeline;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * The hourly rollups of proxied calls (usage_hourly_upstream, usage_hourly_latency), added to the pipeline
 * that writes their usage rows, in key order like every rollup (concurrent batches queue, never deadlock).
 */
@Component
class UpstreamRollups {
    private record Key(String appId, String feature, Instant hour, int bucket) {}

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::appId).thenComparing(Key::feature)
            .thenComparing(Key::hour).thenComparingInt(Key::bucket);

    void write(List<UsageRow> rows, SqlPipeline pipeline) {
        Map<Key, long[]> hourly = new TreeMap<>(ORDER);
        Map<Key, long[]> latency = new TreeMap<>(ORDER);
        for (UsageRow r : rows) {
            UpstreamStats u = r.upstream();
            if (u == null) continue;
            Instant hour = r.createdAt().truncatedTo(ChronoUnit.HOURS);
            long[] h = hourly.computeIfAbsent(new Key(r.appId(), r.feature(), hour, 0), k -> new long[5]);
            h[0]++;
            if (u.failed()) h[1]++;
            h[2] += u.latencyMillis();
            h[3] += u.bytesIn();
            h[4] += u.bytesOut();
            latency.computeIfAbsent(new Key(r.appId(), r.feature(), hour, LatencyBuckets.bucket(u.latencyMillis())), k -> new long[1])[0]++;
        }
        if (hourly.isEmpty()) return;
        List<Key> keys = new ArrayList<>(hourly.keySet());
        pipeline.add("""
                INSERT INTO usage_hourly_upstream AS u (app_id, feature, hour, calls, upstream_errors, latency_ms_sum, bytes_in, bytes_out)
                SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                ON CONFLICT (app_id, feature, hour) DO UPDATE SET calls = u.calls + excluded.calls,
                  upstream_errors = u.upstream_errors + excluded.upstream_errors, latency_ms_sum = u.latency_ms_sum + excluded.latency_ms_sum,
                  bytes_in = u.bytes_in + excluded.bytes_in, bytes_out = u.bytes_out + excluded.bytes_out""",
                keys.stream().map(Key::appId).toArray(String[]::new), keys.stream().map(Key::feature).toArray(String[]::new),
                keys.stream().map(k -> Timestamp.from(k.hour())).toArray(Timestamp[]::new),
                column(hourly, 0), column(hourly, 1), column(hourly, 2), column(hourly, 3), column(hourly, 4));
        List<Key> buckets = new ArrayList<>(latency.keySet());
        pipeline.add("""
                INSERT INTO usage_hourly_latency AS l (app_id, feature, hour, bucket, calls)
                SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::smallint[], ?::bigint[])
                ON CONFLICT (app_id, feature, hour, bucket) DO UPDATE SET calls = l.calls + excluded.calls""",
                buckets.stream().map(Key::appId).toArray(String[]::new), buckets.stream().map(Key::feature).toArray(String[]::new),
                buckets.stream().map(k -> Timestamp.from(k.hour())).toArray(Timestamp[]::new),
                buckets.stream().map(k -> (int) k.bucket()).toArray(Integer[]::new), column(latency, 0));
    }

    private static long[] column(Map<Key, long[]> rows, int index) {
        return rows.values().stream().mapToLong(v -> v[index]).toArray();
    }
}
