package io.tollgate.integrations.internal;

import io.tollgate.integrations.AuthStyle;
import io.tollgate.integrations.Connection;
import io.tollgate.integrations.HealthCheckType;
import io.tollgate.integrations.HealthStatus;
import io.tollgate.integrations.Provider;
import io.tollgate.platform.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one health check of a connection against its provider and logs it (source health_check). Checks bypass the
 * connection's rate limits and circuit breaker: they exist to observe the provider as it is.
 */
@Component
public class HealthProbe {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private final ProviderHttp http;
    private final CallPreparation preparation;
    private final CallLogWriter logs;
    private final long slowMillis;

    HealthProbe(ProviderHttp http, CallPreparation preparation, CallLogWriter logs, IntegrationsProperties properties) {
        this.http = http;
        this.preparation = preparation;
        this.logs = logs;
        this.slowMillis = properties.health().slowMillis();
    }

    /** What one check found. */
    public record Outcome(HealthCheckType checkType, HealthStatus status, Integer httpStatus, long responseTimeMillis, String endpoint,
                          String errorMessage, Map<String, Object> metadata) {}

    public Outcome check(Connection connection, Provider provider, HealthCheckType type) {
        String path = switch (type) {
            case PING -> provider.healthPingPath();
            case AUTHENTICATION -> provider.healthCheckPath();
            case API_CALL -> connection.healthCheckPath() != null ? connection.healthCheckPath() : provider.healthCheckPath();
        };
        Map<String, Object> metadata = new LinkedHashMap<>();
        long started = System.nanoTime();
        if (type != HealthCheckType.PING && path == null) {
            if (type == HealthCheckType.AUTHENTICATION && provider.authStyle() == AuthStyle.CLIENT_CREDENTIALS) {
                return tokenOnly(connection, provider, started);
            }
            return new Outcome(type, HealthStatus.DOWN, null, 0, null, provider.providerName() + " has no endpoint for a " + type.name().toLowerCase()
                    + " check: use ping or set health_check_path", metadata);
        }
        boolean post = type != HealthCheckType.PING && "POST".equals(provider.healthCheckMethod());
        String method = type == HealthCheckType.PING ? "GET" : provider.healthCheckMethod();
        byte[] body = post && provider.healthCheckBody() != null ? MAPPER.writeValueAsBytes(provider.healthCheckBody()) : new byte[0];
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Accept", List.of("application/json"));
        headers.put("User-Agent", List.of("Tollgate-HealthCheck/1"));
        if (post) headers.put("Content-Type", List.of("application/json"));
        CallRecord record = CallRecord.of(connection.id(), connection.organizationId(), "health_check");
        CallPreparation.Prepared prepared;
        try {
            var target = AuthInjection.target(provider, connection.configuration(), path);
            prepared = preparation.prepare(connection, provider, new OutboundCall(method, target, headers, body), type != HealthCheckType.PING);
        } catch (ApiException e) {
            // The connection cannot even build the call (missing credential, refused token): down, and why.
            logs.write(record.request(method, path, headers, null).failure(e.code(), e.getMessage(), elapsed(started)));
            return new Outcome(type, HealthStatus.DOWN, null, elapsed(started), path, e.getMessage(), metadata);
        }
        record.request(method, path, headers, body).secrets(prepared.secrets());
        try {
            ProviderReply reply = http.send(prepared.call());
            logs.write(record.reply(reply));
            String bodyError = BodyRules.firstError(provider.healthErrorRules(), reply.body()).orElse(null);
            HealthJudge.Verdict verdict = HealthJudge.judge(type, reply.status(), null, bodyError, reply.elapsedMillis(), slowMillis);
            metadata.put("bytes_received", reply.bytesReceived());
            return new Outcome(type, verdict.status(), reply.status(), reply.elapsedMillis(), path, verdict.message(), metadata);
        } catch (ProviderCallFailed e) {
            logs.write(record.failure(e.code(), e.getMessage(), e.elapsedMillis()));
            return new Outcome(type, HealthStatus.DOWN, null, e.elapsedMillis(), path, e.getMessage(), metadata);
        }
    }

    /** Client-credentials providers without a probe endpoint: obtaining a token is the authentication check. */
    private Outcome tokenOnly(Connection connection, Provider provider, long started) {
        String endpoint = java.net.URI.create(provider.auth("token_url")).getRawPath();
        try {
            preparation.accessToken(connection, provider, preparationSecrets(connection));
            return new Outcome(HealthCheckType.AUTHENTICATION, elapsed(started) > slowMillis ? HealthStatus.DEGRADED : HealthStatus.HEALTHY, 200,
                    elapsed(started), endpoint, null, Map.of("check", "token"));
        } catch (ApiException e) {
            return new Outcome(HealthCheckType.AUTHENTICATION, HealthStatus.DOWN, e.status().value(), elapsed(started), endpoint, e.getMessage(), Map.of("check", "token"));
        } catch (ProviderCallFailed e) {
            return new Outcome(HealthCheckType.AUTHENTICATION, HealthStatus.DOWN, null, elapsed(started), endpoint, e.getMessage(), Map.of("check", "token"));
        }
    }

    private Map<String, String> preparationSecrets(Connection connection) {
        return preparation.secrets(connection);
    }

    private static long elapsed(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
