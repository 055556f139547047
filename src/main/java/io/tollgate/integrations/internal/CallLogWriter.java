package io.tollgate.integrations.internal;

import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Writes integration_logs rows, after Redaction: nothing reaches the table that the allowlist or the scrub let through. */
@Component
public class CallLogWriter {
    private final JdbcClient jdbc;
    private final Json json;
    private final IntegrationsProperties properties;

    CallLogWriter(JdbcClient jdbc, Json json, IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    public String write(CallRecord r) {
        String id = Ids.next("ilg");
        int limit = properties.log().bodyMaxBytes();
        String logType = r.errorCode != null && r.responseStatus == null ? "error" : "api_response";
        jdbc.sql("""
                INSERT INTO integration_logs (id, connection_id, organization_id, log_type, source, method, endpoint, request_headers, request_body,
                  response_status, response_headers, response_body, response_time_ms, error_message, error_code, user_id, ip_address,
                  bytes_sent, bytes_received)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?::inet, ?, ?)""")
                .params(id, r.connectionId, r.organizationId, logType, r.source, r.method, cut(Redaction.text(r.endpoint, r.knownSecrets), 255),
                        json.write(Redaction.headers(r.requestHeaders, properties.requestHeaderAllowlist(), r.knownSecrets)),
                        json.write(Redaction.body(r.requestBody, limit, r.knownSecrets)), r.responseStatus,
                        json.write(Redaction.headers(r.responseHeaders, properties.responseHeaderAllowlist(), r.knownSecrets)),
                        json.write(Redaction.body(r.responseBody, limit, r.knownSecrets)), (int) Math.min(Integer.MAX_VALUE, r.responseTimeMillis),
                        cut(Redaction.text(r.errorMessage, r.knownSecrets), 1000), r.errorCode, r.userId, r.ipAddress, r.bytesSent, r.bytesReceived)
                .update();
        return id;
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
