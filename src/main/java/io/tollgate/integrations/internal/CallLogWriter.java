package io.tollgate.integrations.internal;

import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes integration_logs rows, after Redaction: nothing reaches the table that the allowlist or the scrub let through.
 * Proxied calls {@link #enqueue} theirs: one writer thread per node inserts what waits (at most log.max-batch rows, one
 * statement) every log.flush-millis, so a proxied call costs no round trip and no commit of its own. The queue is
 * bounded (log.queue-capacity); when it is full the caller writes its own row, so a burst slows callers down instead of
 * dropping rows. Stopping writes everything queued. A node killed outright loses the rows still queued (at most
 * flush-millis of calls): the call log is a record of calls, not of money. Health checks and token calls write at once.
 */
@Component
public class CallLogWriter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CallLogWriter.class);
    private static final String INSERT = """
            INSERT INTO integration_logs (id, connection_id, organization_id, log_type, source, method, endpoint, request_headers, request_body,
              response_status, response_headers, response_body, response_time_ms, error_message, error_code, user_id, ip_address,
              bytes_sent, bytes_received)
            """;
    private final JdbcClient jdbc;
    private final Json json;
    private final int bodyLimit;
    private final Set<String> requestAllowlist;
    private final Set<String> responseAllowlist;
    /** Put in the queue by {@link #stop} to wake a writer waiting for rows; never written. */
    private static final CallRecord STOP = new CallRecord();
    private final BlockingQueue<CallRecord> queue;
    private final long flushMillis;
    private final int maxBatch;
    private volatile boolean running;
    private Thread writer;

    CallLogWriter(JdbcClient jdbc, Json json, IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.bodyLimit = properties.log().bodyMaxBytes();
        this.requestAllowlist = properties.requestHeaderAllowlist();
        this.responseAllowlist = properties.responseHeaderAllowlist();
        this.queue = new ArrayBlockingQueue<>(properties.log().queueCapacity());
        this.flushMillis = properties.log().flushMillis();
        this.maxBatch = properties.log().maxBatch();
    }

    /** Writes the row now. */
    public String write(CallRecord r) {
        Row row = row(r);
        jdbc.sql(INSERT + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?::inet, ?, ?)")
                .params(row.id, r.connectionId, r.organizationId, row.logType, r.source, r.method, row.endpoint, row.requestHeaders, row.requestBody,
                        r.responseStatus, row.responseHeaders, row.responseBody, row.responseTimeMillis, row.errorMessage, r.errorCode, r.userId,
                        r.ipAddress, r.bytesSent, r.bytesReceived)
                .update();
        return row.id;
    }

    /** Queues the row for the next batch (see the class comment); writes it at once when the queue is full or stopped. */
    public void enqueue(CallRecord r) {
        if (!running || !queue.offer(r)) {
            write(r);
            return;
        }
        // Stopped meanwhile: the writer may have made its last pass; whoever removes the row writes it, never both.
        if (!running && queue.remove(r)) write(r);
    }

    private record Row(String id, String logType, String endpoint, String requestHeaders, String requestBody, String responseHeaders,
                       String responseBody, int responseTimeMillis, String errorMessage) {}

    private Row row(CallRecord r) {
        return new Row(Ids.next("ilg"), r.errorCode != null && r.responseStatus == null ? "error" : "api_response",
                cut(Redaction.text(r.endpoint, r.knownSecrets), 255),
                json.write(Redaction.headers(r.requestHeaders, requestAllowlist, r.knownSecrets)),
                json.write(Redaction.body(r.requestBody, bodyLimit, r.knownSecrets)),
                json.write(Redaction.headers(r.responseHeaders, responseAllowlist, r.knownSecrets)),
                json.write(Redaction.body(r.responseBody, bodyLimit, r.knownSecrets)), (int) Math.min(Integer.MAX_VALUE, r.responseTimeMillis),
                cut(Redaction.text(r.errorMessage, r.knownSecrets), 1000));
    }

    /** Many rows in one statement: each column an array, unnested side by side. */
    private void writeAll(List<CallRecord> records) {
        int n = records.size();
        String[] id = new String[n], connection = new String[n], organization = new String[n], logType = new String[n], source = new String[n],
                method = new String[n], endpoint = new String[n], requestHeaders = new String[n], requestBody = new String[n],
                responseHeaders = new String[n], responseBody = new String[n], errorMessage = new String[n], errorCode = new String[n],
                user = new String[n], ip = new String[n];
        Integer[] status = new Integer[n], millis = new Integer[n];
        Long[] sent = new Long[n], received = new Long[n];
        for (int i = 0; i < n; i++) {
            CallRecord r = records.get(i);
            Row row = row(r);
            id[i] = row.id; connection[i] = r.connectionId; organization[i] = r.organizationId; logType[i] = row.logType; source[i] = r.source;
            method[i] = r.method; endpoint[i] = row.endpoint; requestHeaders[i] = row.requestHeaders; requestBody[i] = row.requestBody;
            status[i] = r.responseStatus; responseHeaders[i] = row.responseHeaders; responseBody[i] = row.responseBody;
            millis[i] = row.responseTimeMillis; errorMessage[i] = row.errorMessage; errorCode[i] = r.errorCode; user[i] = r.userId;
            ip[i] = r.ipAddress; sent[i] = r.bytesSent; received[i] = r.bytesReceived;
        }
        jdbc.sql(INSERT + """
                SELECT id, con, org, lt, src, m, ep, rqh::jsonb, rqb::jsonb, st, rsh::jsonb, rsb::jsonb, ms, em, ec, u, ip::inet, bs, br
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[],
                  ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])
                  AS t(id, con, org, lt, src, m, ep, rqh, rqb, st, rsh, rsb, ms, em, ec, u, ip, bs, br)""")
                .params(id, connection, organization, logType, source, method, endpoint, requestHeaders, requestBody, status, responseHeaders,
                        responseBody, millis, errorMessage, errorCode, user, ip, sent, received)
                .update();
    }

    private void run() {
        List<CallRecord> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                CallRecord first = queue.poll(flushMillis, TimeUnit.MILLISECONDS);
                if (first == null || first == STOP) continue;
                batch.add(first);
                // Rows that arrive within the flush interval share the statement (stop() unparks it at once).
                if (running && queue.size() < maxBatch - 1) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(flushMillis));
                queue.drainTo(batch, maxBatch - 1);
                batch.removeIf(r -> r == STOP);
                if (!batch.isEmpty()) flush(batch);
            } catch (InterruptedException e) {
                if (!running) continue;
            } catch (RuntimeException e) {
                log.error("Writing a batch of call logs failed", e);
            } finally {
                batch.clear();
            }
        }
    }

    /** One statement; if it fails, row by row, so one bad row (never expected) cannot lose the others. */
    private void flush(List<CallRecord> batch) {
        try {
            writeAll(batch);
        } catch (RuntimeException e) {
            log.warn("A batch of {} call logs failed ({}); writing them one by one", batch.size(), e.toString());
            for (CallRecord r : batch) {
                try {
                    write(r);
                } catch (RuntimeException single) {
                    log.warn("Writing the call log of connection {} failed: {}", r.connectionId, single.toString());
                }
            }
        }
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    @Override
    public void start() {
        running = true;
        writer = Thread.ofPlatform().name("integration-log-writer").daemon().start(this::run);
    }

    /** Stops taking rows, then writes everything queued. */
    @Override
    public void stop() {
        running = false;
        if (writer == null) return;
        queue.offer(STOP); // wakes a writer waiting for rows (a full queue means it is not waiting)
        LockSupport.unpark(writer); // and one gathering a batch
        try { // it writes what is queued and ends
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // With the metering writers, before the DataSource closes; a call logged after the stop writes its own row.
        return Integer.MAX_VALUE - 200;
    }
}
