package io.tollgate.integrations.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.platform.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The call-log queue against the real database: rows beyond the queue's capacity are written by their caller, rows
 * queued are written in batches, and stopping writes everything still queued — each row exactly once.
 */
class CallLogWriterTest extends ApiTest {
    @Autowired
    Json json;
    @Autowired
    IntegrationsProperties properties;

    /** A writer of its own with a queue of {@code capacity} and a long flush interval, so rows wait in it. */
    private CallLogWriter writer(int capacity) {
        IntegrationsProperties.Log l = properties.log();
        IntegrationsProperties p = new IntegrationsProperties(properties.providerOverrides(), properties.connectTimeoutMillis(),
                properties.readTimeoutMillis(), properties.maxResponseBytes(), properties.health(),
                new IntegrationsProperties.Log(l.bodyMaxBytes(), l.requestHeaders(), l.responseHeaders(), capacity, 60_000, 500),
                properties.oauth(), properties.resilience(), properties.retention(), properties.analyticsEveryMillis(), properties.proxy(),
                properties.allowedHosts());
        return new CallLogWriter(jdbc, json, p);
    }

    private String connection() {
        String org = createOrganization();
        String provider = jdbc.sql("SELECT id FROM integration_providers ORDER BY id LIMIT 1").query(String.class).single();
        String id = "con_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("INSERT INTO integration_connections (id, organization_id, provider_id, connection_name, created_by) VALUES (?, ?, ?, 'log test', 'test')")
                .params(id, org, provider).update();
        return id;
    }

    private static CallRecord record(String connection, String org, int i) {
        return CallRecord.of(connection, org, "proxy").request("POST", "/v1/call/" + i, Map.of("Content-Type", List.of("application/json")),
                "{}".getBytes()).answer(200, Map.of(), "{\"ok\":true}".getBytes(), 3).caller("api_key:key_test", "127.0.0.1");
    }

    private long rows(String connection) {
        return jdbc.sql("SELECT count(DISTINCT endpoint) FROM integration_logs WHERE connection_id = ?").param(connection).query(Long.class).single();
    }

    @Test
    void aFullQueueMakesTheCallerWriteAndStoppingWritesWhatIsQueued() {
        String connection = connection();
        String org = jdbc.sql("SELECT organization_id FROM integration_connections WHERE id = ?").param(connection).query(String.class).single();
        CallLogWriter logs = writer(5);
        logs.enqueue(record(connection, org, 0)); // not started: written at once
        assertThat(rows(connection)).isEqualTo(1);
        logs.start();
        try {
            for (int i = 1; i <= 50; i++) logs.enqueue(record(connection, org, i));
            // At most the queue's five wait, plus the one the writer took and is gathering a batch with (the flush interval
            // is a minute); the others were written by their callers.
            assertThat(rows(connection)).isBetween(45L, 51L);
        } finally {
            logs.stop();
        }
        assertThat(rows(connection)).isEqualTo(51);
        assertThat(jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ?").param(connection).query(Long.class).single())
                .isEqualTo(51);
        // Redaction applies to batched rows too: the allowlisted header is kept, the body stored as JSON.
        assertThat(jdbc.sql("SELECT request_headers::text FROM integration_logs WHERE connection_id = ? AND endpoint = '/v1/call/50'")
                .param(connection).query(String.class).single()).containsIgnoringCase("content-type");
    }
}
