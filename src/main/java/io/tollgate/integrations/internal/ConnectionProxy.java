package io.tollgate.integrations.internal;

import io.tollgate.gateway.ProxyPaths;
import io.tollgate.gateway.ProxyRequest;
import io.tollgate.gateway.ProxyResult;
import io.tollgate.gateway.SpooledBody;
import io.tollgate.gateway.UpstreamLimits;
import io.tollgate.gateway.UpstreamProxy;
import io.tollgate.integrations.AuthStyle;
import io.tollgate.integrations.Connection;
import io.tollgate.integrations.ConnectionRateLimits;
import io.tollgate.integrations.ConnectionResilience;
import io.tollgate.integrations.ConnectionStatus;
import io.tollgate.integrations.Connections;
import io.tollgate.integrations.Provider;
import io.tollgate.integrations.Providers;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Calls a provider through a connection: the caller's request (method, the path below the provider's base URL,
 * query, body, safe headers) goes through the gateway's streaming engine with the connection's credentials
 * injected by {@link CallPreparation} (OAuth tokens refreshed with fencing), under the connection's rate limits
 * (spent before sending), its own pool, breaker and retry policy, and the address rule; the provider's answer
 * streams back unchanged, and the call is logged (source proxy) through {@link Redaction}, in batches
 * ({@link CallLogWriter#enqueue}). The connection comes from the per-node cache; a connection without limits spends none. Tollgate's own
 * refusals are thrown as {@link ApiException}s, answered in the envelope.
 */
@Service
public class ConnectionProxy {
    private static final Logger log = LoggerFactory.getLogger(ConnectionProxy.class);
    public static final String PATH = "/api/v1/integrations/";
    /**
     * Never forwarded: the caller's Tollgate key and identity, cookies, and forwarding claims it could forge (hop-by-hop
     * headers, Host, Content-Length and Expect the engine never forwards).
     */
    private static final String[] STRIPPED = {"authorization", "proxy-authorization", "x-app-id", "x-user-token", "x-external-user-id", "cookie",
            "cookie2", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"};
    private final Connections connections;
    private final Providers providers;
    private final ConnectionRateLimits limits;
    private final ConnectionResilience resilience;
    private final CallPreparation preparation;
    private final ProviderAddresses addresses;
    private final CallLogWriter logs;
    private final UpstreamProxy engine;
    private final IntegrationsProperties properties;

    ConnectionProxy(Connections connections, Providers providers, ConnectionRateLimits limits, ConnectionResilience resilience,
                    CallPreparation preparation, ProviderAddresses addresses, CallLogWriter logs, UpstreamProxy engine, IntegrationsProperties properties) {
        this.connections = connections;
        this.providers = providers;
        this.limits = limits;
        this.resilience = resilience;
        this.preparation = preparation;
        this.addresses = addresses;
        this.logs = logs;
        this.engine = engine;
        this.properties = properties;
    }

    /** Who is calling, for the log. */
    public record Caller(String organizationId, String userId, String ipAddress) {}

    /** Forwards the call; returns when the provider's answer was written to {@code response}, or throws a refusal. */
    public void forward(Caller caller, String connectionId, HttpServletRequest http, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        Connection connection = connections.findCached(caller.organizationId(), connectionId)
                .orElseThrow(() -> ApiException.notFound("connection", connectionId));
        if (connection.status() != ConnectionStatus.ACTIVE) {
            throw new ApiException(HttpStatus.CONFLICT, "CONNECTION_NOT_ACTIVE", "The connection is " + connection.status().name().toLowerCase()
                    + "; only an active connection calls its provider", Map.of("connection_id", connectionId, "status",
                    connection.status().name().toLowerCase()), Map.of());
        }
        Provider provider = providers.get(connection.providerId());
        String prefix = PATH + connectionId + "/proxy";
        String query = http.getQueryString();
        String pathAndQuery = ProxyPaths.rest(http.getRequestURI(), prefix, PATH + "{connection_id}/proxy/…") + (query == null ? "" : "?" + query);
        String method = http.getMethod();
        URI target = AuthInjection.target(provider, connection.configuration(), pathAndQuery);
        refuseForbiddenAddress(target);

        IntegrationsProperties.Proxy settings = properties.proxy();
        try (SpooledBody body = engine.spool(http.getInputStream(), settings.maxBodyBytes())) {
            limits.spend(connectionId);
            Map<String, List<String>> headers = headers(http);
            CallRecord record = CallRecord.of(connectionId, caller.organizationId(), "proxy")
                    .request(method, pathAndQuery, headers, LogCapture.start(body.open(), properties.log().bodyMaxBytes()))
                    .caller(caller.userId(), caller.ipAddress());
            boolean jsonAuth = provider.authStyle() == AuthStyle.JSON_BODY;
            if (jsonAuth && body.length() > settings.jsonAuthBodyMaxBytes()) {
                throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "This provider takes its credentials inside the JSON body, "
                        + "which is read whole: at most " + settings.jsonAuthBodyMaxBytes() + " bytes");
            }
            CallPreparation.Prepared prepared = prepare(connection, provider, record, new OutboundCall(method, target, Map.of(),
                    jsonAuth ? body.open().readAllBytes() : null), started);
            record.secrets(prepared.secrets());
            // Its injected body (credentials inside) is held in memory only; the spool stays the caller's.
            SpooledBody sent = jsonAuth ? SpooledBody.of(prepared.call().body()) : body;
            LogCapture capture = new LogCapture(properties.log().bodyMaxBytes());
            ProxyResult result = engine.forward(request(http, prepared, sent, connectionId), response, capture);
            record.bytes(result.bytes().in(), result.bytes().out());
            if (result.answered()) {
                record.answer(capture.status(), capture.headers(), capture.body(), result.timing().totalMillis());
                if (result.failure() != null) record.errorMessage = result.failure();
                write(record);
                return;
            }
            ApiException refusal = refusal(result);
            write(record.failure(refusal.code(), result.failure(), result.timing().totalMillis()));
            throw refusal;
        }
    }

    private void refuseForbiddenAddress(URI target) {
        String refusal = addresses.refusal(target);
        if (refusal != null) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "UPSTREAM_ADDRESS_REFUSED", "The provider's address may not be called from this server: "
                    + refusal + ". An operator can exempt a development host with TOLLGATE_INTEGRATIONS_ALLOWED_HOSTS");
        }
    }

    /** Credentials or a (refreshed) token on the call; a connection that cannot build it is logged and refused. */
    private CallPreparation.Prepared prepare(Connection connection, Provider provider, CallRecord record, OutboundCall call, long started) {
        try {
            return preparation.prepare(connection, provider, call, true);
        } catch (ApiException e) {
            write(record.failure(e.code(), e.getMessage(), millisSince(started)));
            throw e;
        } catch (ProviderCallFailed e) {
            write(record.failure(e.code(), e.getMessage(), millisSince(started)));
            throw new ApiException(HttpStatus.BAD_GATEWAY, e.code(), "The provider's token endpoint failed: " + e.getMessage());
        }
    }

    private ProxyRequest request(HttpServletRequest http, CallPreparation.Prepared prepared, SpooledBody body, String connectionId) {
        IntegrationsProperties.Proxy s = properties.proxy();
        String name = ConnectionResilience.breakerName(connectionId);
        ProxyRequest.Builder b = ProxyRequest.to(http.getMethod(), prepared.call().uri()).body(body).strip(STRIPPED)
                .upstream(name, name, new UpstreamLimits((int) properties.connectTimeoutMillis(), s.firstByteTimeoutMillis(), s.totalTimeoutMillis(),
                        s.maxConnections()))
                .resilience(resilience.policy())
                .responseHeader("X-Request-Id", RequestContext.requestId());
        for (String header : Collections.list(http.getHeaderNames())) {
            if (header.regionMatches(true, 0, "x-tollgate-", 0, 11)) continue;
            for (String value : Collections.list(http.getHeaders(header))) b.header(header, value);
        }
        // The credentials replace any header of the same name the caller sent.
        prepared.call().headers().forEach((header, values) -> b.add(header, values.get(0)));
        return b.build();
    }

    private static Map<String, List<String>> headers(HttpServletRequest http) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : Collections.list(http.getHeaderNames())) out.put(name, Collections.list(http.getHeaders(name)));
        return out;
    }

    private void write(CallRecord record) {
        try {
            logs.enqueue(record);
        } catch (RuntimeException e) {
            // The answer is with the caller already (or its refusal is on the way): a lost log line must not change it.
            log.warn("Writing the call log of connection {} failed: {}", record.connectionId, e.toString());
        }
    }

    private static ApiException refusal(ProxyResult result) {
        return switch (result.kind()) {
            case UNAVAILABLE -> new ApiException(HttpStatus.BAD_GATEWAY, "UPSTREAM_UNAVAILABLE", "The provider could not be reached");
            case TIMEOUT -> new ApiException(HttpStatus.GATEWAY_TIMEOUT, "UPSTREAM_TIMEOUT", "The provider did not answer in time");
            case CIRCUIT_OPEN -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UPSTREAM_CIRCUIT_OPEN", "Calls to this connection's provider are "
                    + "paused after repeated failures; nothing was sent", Map.of("retry_after_seconds", result.retryAfterSeconds()), Map.of());
            case BUSY -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UPSTREAM_BUSY", "Every connection to this provider is busy; nothing was sent",
                    Map.of("retry_after_seconds", result.retryAfterSeconds()), Map.of());
            case ANSWERED -> throw new IllegalStateException("an answered call is not a refusal");
        };
    }

    private static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
