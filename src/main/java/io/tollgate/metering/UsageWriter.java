package io.tollgate.metering;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Comparator;
import io.tollgate.platform.SqlPipeline;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes usage events and, in the same transaction, the daily rollups the reports read. All
 * set-based and in key order, so concurrent batches on several nodes queue rather than deadlock.
 */
@Component
class UsageWriter {
    private static final String NO_CURRENCY = "XXX";
    private final JdbcClient jdbc;

    UsageWriter(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void write(List<UsageRow> rows) {
        SqlPipeline pipeline = new SqlPipeline();
        write(rows, pipeline);
        pipeline.run(jdbc);
    }

    /** Adds the events and their rollups to the caller's pipeline. */
    void write(List<UsageRow> rows, SqlPipeline pipeline) {
        if (rows.isEmpty()) return;
        insertEvents(rows, pipeline);
        Map<List<String>, long[]> daily = new TreeMap<>(KEY_ORDER);
        Map<List<String>, long[]> users = new TreeMap<>(KEY_ORDER);
        Map<List<String>, long[]> orgs = new TreeMap<>(KEY_ORDER);
        Map<List<String>, long[]> sessions = new TreeMap<>(KEY_ORDER);
        Map<List<String>, long[]> tokens = new TreeMap<>(KEY_ORDER);
        for (UsageRow r : rows) {
            String day = LocalDate.ofInstant(r.createdAt(), ZoneOffset.UTC).toString();
            boolean error = r.status() >= 400;
            long[] d = daily.computeIfAbsent(List.of(r.appId(), day, r.feature(), r.currency() == null ? NO_CURRENCY : r.currency(),
                            r.organizationId()),
                    k -> new long[7]);
            d[0]++;
            if (error) d[1]++;
            d[2] += r.creditsUsed();
            d[3] += r.chargeMinor();
            d[4] += r.costMinor();
            d[5] += r.durationMs();
            if (r.chargeMinor() > 0) d[6]++;
            if (r.endUserId() != null) {
                long[] u = users.computeIfAbsent(List.of(r.appId(), day, r.endUserId(), r.feature()), k -> new long[4]);
                u[0]++;
                u[1] += r.creditsUsed();
                u[2] += r.chargeMinor();
                if (error) u[3]++;
            }
            // Organization totals count what organizations paid for themselves (seed 001 tokens), not end users' calls.
            if (!error && r.endUserId() == null) {
                long[] o = orgs.computeIfAbsent(List.of(r.organizationId(), day, r.feature()), k -> new long[2]);
                o[0]++;
                o[1] += r.units();
                if (r.sessionId() != null) sessions.put(List.of(r.organizationId(), day, r.feature(), r.sessionId()), new long[0]);
                // Seed 001's token report counts token consumption only, by catalog app and consuming app.
                if (TokensController.CONSUME_PATH.equals(r.endpoint())) {
                    long[] t = tokens.computeIfAbsent(List.of(r.organizationId(), day, r.feature(), r.appId()), k -> new long[3]);
                    t[0]++;
                    t[1] += r.units();
                    t[2] += r.creditsUsed();
                }
            }
        }
        if (!daily.isEmpty()) {
            pipeline.add("""
                    INSERT INTO usage_daily AS u (app_id, day, feature, currency, organization_id, calls, errors, credits_used, charge_minor,
                      cost_minor, duration_ms_sum, charged_calls)
                    SELECT * FROM unnest(?::text[], ?::date[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                      ?::bigint[], ?::bigint[], ?::bigint[])
                    ON CONFLICT (app_id, day, feature, currency) DO UPDATE SET calls = u.calls + excluded.calls, errors = u.errors + excluded.errors,
                      credits_used = u.credits_used + excluded.credits_used, charge_minor = u.charge_minor + excluded.charge_minor,
                      cost_minor = u.cost_minor + excluded.cost_minor, duration_ms_sum = u.duration_ms_sum + excluded.duration_ms_sum,
                      charged_calls = u.charged_calls + excluded.charged_calls""", columns(daily, 5, 7));
        }
        if (!users.isEmpty()) {
            pipeline.add("""
                    INSERT INTO usage_daily_users AS u (app_id, day, end_user_id, feature, calls, credits_used, charge_minor, errors)
                    SELECT * FROM unnest(?::text[], ?::date[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                    ON CONFLICT (app_id, day, end_user_id, feature) DO UPDATE SET calls = u.calls + excluded.calls,
                      credits_used = u.credits_used + excluded.credits_used, charge_minor = u.charge_minor + excluded.charge_minor,
                      errors = u.errors + excluded.errors""", columns(users, 4, 4));
        }
        if (!orgs.isEmpty()) {
            pipeline.add("""
                    INSERT INTO usage_daily_orgs AS u (organization_id, day, feature, calls, units)
                    SELECT * FROM unnest(?::text[], ?::date[], ?::text[], ?::bigint[], ?::bigint[])
                    ON CONFLICT (organization_id, day, feature) DO UPDATE SET calls = u.calls + excluded.calls, units = u.units + excluded.units""", columns(orgs, 3, 2));
        }
        if (!tokens.isEmpty()) {
            pipeline.add("""
                    INSERT INTO usage_daily_tokens AS t (organization_id, day, feature, app_id, calls, units, credits)
                    SELECT * FROM unnest(?::text[], ?::date[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])
                    ON CONFLICT (organization_id, day, feature, app_id) DO UPDATE
                      SET calls = t.calls + excluded.calls, units = t.units + excluded.units, credits = t.credits + excluded.credits""",
                    columns(tokens, 4, 3));
        }
        if (!sessions.isEmpty()) {
            pipeline.add("""
                    INSERT INTO usage_sessions (organization_id, day, feature, session_id)
                    SELECT * FROM unnest(?::text[], ?::date[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING""", columns(sessions, 4, 0));
        }
    }

    /** Keys compare element by element, so every node writes rollup rows in the same order. */
    private static final Comparator<List<String>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) return c;
        }
        return 0;
    };

    /** Turns key → sums into one array per column: text keys (dates as text), then bigint sums. */
    private static Object[] columns(Map<List<String>, long[]> rows, int keyColumns, int valueColumns) {
        Object[] columns = new Object[keyColumns + valueColumns];
        int n = rows.size();
        for (int c = 0; c < keyColumns; c++) columns[c] = new String[n];
        for (int c = 0; c < valueColumns; c++) columns[keyColumns + c] = new long[n];
        int i = 0;
        for (Map.Entry<List<String>, long[]> row : rows.entrySet()) {
            for (int c = 0; c < keyColumns; c++) ((String[]) columns[c])[i] = row.getKey().get(c);
            for (int c = 0; c < valueColumns; c++) ((long[]) columns[keyColumns + c])[i] = row.getValue()[c];
            i++;
        }
        return columns;
    }

    private void insertEvents(List<UsageRow> rows, SqlPipeline pipeline) {
        int n = rows.size();
        long[] id = new long[n];
        String[] app = new String[n], org = new String[n], key = new String[n], user = new String[n], feature = new String[n];
        String[] endpoint = new String[n], method = new String[n], pricing = new String[n], currency = new String[n];
        String[] request = new String[n], session = new String[n], transfer = new String[n];
        int[] status = new int[n], duration = new int[n];
        long[] credits = new long[n], charge = new long[n], cost = new long[n], units = new long[n];
        Timestamp[] at = new Timestamp[n];
        // Upstream figures of proxied calls; null for the others (boxed arrays carry the NULLs).
        Integer[] upstreamStatus = new Integer[n], upstreamLatency = new Integer[n];
        Long[] bytesIn = new Long[n], bytesOut = new Long[n];
        for (int i = 0; i < n; i++) {
            UsageRow r = rows.get(i);
            id[i] = r.id(); app[i] = r.appId(); org[i] = r.organizationId(); key[i] = r.apiKeyId(); user[i] = r.endUserId();
            feature[i] = r.feature(); endpoint[i] = r.endpoint(); method[i] = r.method(); status[i] = r.status();
            pricing[i] = r.pricing(); credits[i] = r.creditsUsed(); charge[i] = r.chargeMinor(); cost[i] = r.costMinor();
            currency[i] = r.currency(); duration[i] = r.durationMs(); request[i] = r.requestId(); session[i] = r.sessionId();
            units[i] = r.units(); transfer[i] = r.transferReference(); at[i] = Timestamp.from(r.createdAt());
            if (r.upstream() != null) {
                upstreamStatus[i] = r.upstream().status(); upstreamLatency[i] = r.upstream().latencyMillis();
                bytesIn[i] = r.upstream().bytesIn(); bytesOut[i] = r.upstream().bytesOut();
            }
        }
        pipeline.add("""
                INSERT INTO usage_events (id, app_id, organization_id, api_key_id, end_user_id, feature, endpoint, method, response_status,
                  pricing, credits_used, charge_minor, cost_minor, currency, duration_ms, request_id, session_id, units, transfer_reference, created_at,
                  upstream_status, upstream_latency_ms, bytes_in, bytes_out)
                SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[],
                  ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[], ?::bigint[], ?::text[],
                  ?::timestamptz[], ?::smallint[], ?::int[], ?::bigint[], ?::bigint[])""",
                id, app, org, key, user, feature, endpoint, method, status, pricing, credits, charge, cost, currency, duration,
                request, session, units, transfer, at, upstreamStatus, upstreamLatency, bytesIn, bytesOut);
    }
}
