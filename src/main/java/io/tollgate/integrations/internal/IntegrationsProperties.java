package io.tollgate.integrations.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every limit of the integrations module, one setting each (application.properties maps the TOLLGATE_INTEGRATIONS_…
 * environment variables onto these). Checked once at start so a bad value stops the server with a message.
 */
@ConfigurationProperties("tollgate.integrations")
public record IntegrationsProperties(String providerOverrides, long connectTimeoutMillis, long readTimeoutMillis,
                                     int maxResponseBytes, Health health, Log log, Oauth oauth, Resilience resilience,
                                     Retention retention, long analyticsEveryMillis, Proxy proxy, List<String> allowedHosts) {

    /** Fields of a provider a deployment may point elsewhere (tests: local stubs). */
    static final Set<String> OVERRIDABLE = Set.of("base_url", "token_url", "authorize_url");

    public record Health(long pollMillis, int maxConcurrent, int batch, int defaultIntervalSeconds, long slowMillis) {}

    /**
     * @param queueCapacity proxied calls' log rows waiting to be written (beyond it the caller writes its own row: none is dropped)
     * @param flushMillis   how long a queued row may wait before its batch is written
     * @param maxBatch      rows per INSERT
     */
    public record Log(int bodyMaxBytes, List<String> requestHeaders, List<String> responseHeaders, int queueCapacity, long flushMillis,
                      int maxBatch) {}

    public record Oauth(long stateTtlSeconds, long refreshSkewSeconds, long refreshClaimTimeoutMillis, long refreshWaitMillis,
                        long refreshPollMillis, boolean secureCookie) {}

    public record Resilience(int maxAttempts, long backoffMillis, int breakerFailureRatePercent, long breakerOpenMillis,
                             int breakerWindow) {}

    public record Retention(int logDays, int healthDays, long everyMillis, int batch) {}

    /**
     * Calls through ANY /api/v1/integrations/{id}/proxy/…, per connection (its pool and timeouts; connect timeout:
     * connectTimeoutMillis).
     *
     * @param maxBodyBytes           largest request body forwarded (streamed through the engine's spool)
     * @param jsonAuthBodyMaxBytes   largest body of a provider whose credentials go inside the JSON body (read whole)
     * @param firstByteTimeoutMillis from sending to the provider's status line
     * @param totalTimeoutMillis     the whole call, answer included
     * @param maxConnections         calls in flight to one connection's provider at once on a node
     * @param connectionCacheMaxEntries connections (and whether each has rate limits) cached per node for the proxy
     */
    public record Proxy(long maxBodyBytes, int jsonAuthBodyMaxBytes, int firstByteTimeoutMillis, long totalTimeoutMillis, int maxConnections,
                        int connectionCacheMaxEntries) {}

    public IntegrationsProperties {
        require(connectTimeoutMillis >= 100 && connectTimeoutMillis <= 60_000, "TOLLGATE_INTEGRATIONS_CONNECT_TIMEOUT_MILLIS must be 100 to 60000");
        require(readTimeoutMillis >= 100 && readTimeoutMillis <= 300_000, "TOLLGATE_INTEGRATIONS_READ_TIMEOUT_MILLIS must be 100 to 300000");
        require(maxResponseBytes >= 1024 && maxResponseBytes <= 64 * 1024 * 1024, "TOLLGATE_INTEGRATIONS_MAX_RESPONSE_BYTES must be 1024 to 67108864");
        require(health.pollMillis() >= 50, "TOLLGATE_INTEGRATIONS_HEALTH_POLL_MILLIS must be at least 50");
        require(health.maxConcurrent() >= 1 && health.maxConcurrent() <= 256, "TOLLGATE_INTEGRATIONS_HEALTH_MAX_CONCURRENT must be 1 to 256");
        require(health.batch() >= 1 && health.batch() <= 1000, "TOLLGATE_INTEGRATIONS_HEALTH_BATCH must be 1 to 1000");
        require(health.defaultIntervalSeconds() >= 10 && health.defaultIntervalSeconds() <= 86_400,
                "TOLLGATE_INTEGRATIONS_HEALTH_DEFAULT_INTERVAL_SECONDS must be 10 to 86400");
        require(log.bodyMaxBytes() >= 0 && log.bodyMaxBytes() <= 65_536, "TOLLGATE_INTEGRATIONS_LOG_BODY_MAX_BYTES must be 0 to 65536");
        require(log.queueCapacity() >= 1 && log.queueCapacity() <= 1_000_000, "TOLLGATE_INTEGRATIONS_LOG_QUEUE_CAPACITY must be 1 to 1000000");
        require(log.flushMillis() >= 1 && log.flushMillis() <= 60_000, "TOLLGATE_INTEGRATIONS_LOG_FLUSH_MILLIS must be 1 to 60000");
        require(log.maxBatch() >= 1 && log.maxBatch() <= 10_000, "TOLLGATE_INTEGRATIONS_LOG_MAX_BATCH must be 1 to 10000");
        require(proxy.connectionCacheMaxEntries() >= 1, "TOLLGATE_INTEGRATIONS_PROXY_CONNECTION_CACHE_MAX_ENTRIES must be at least 1");
        require(oauth.stateTtlSeconds() >= 60 && oauth.stateTtlSeconds() <= 3600, "TOLLGATE_INTEGRATIONS_OAUTH_STATE_TTL_SECONDS must be 60 to 3600");
        require(oauth.refreshWaitMillis() >= 100, "TOLLGATE_INTEGRATIONS_OAUTH_REFRESH_WAIT_MILLIS must be at least 100");
        // A claim older than this is taken over; it must outlast a token call, or two refreshes could overlap.
        require(oauth.refreshClaimTimeoutMillis() > 2 * readTimeoutMillis,
                "TOLLGATE_INTEGRATIONS_OAUTH_REFRESH_CLAIM_TIMEOUT_MILLIS must exceed twice the read timeout");
        require(resilience.maxAttempts() >= 1 && resilience.maxAttempts() <= 10, "TOLLGATE_INTEGRATIONS_RETRY_MAX_ATTEMPTS must be 1 to 10");
        require(resilience.breakerFailureRatePercent() >= 1 && resilience.breakerFailureRatePercent() <= 100,
                "TOLLGATE_INTEGRATIONS_BREAKER_FAILURE_RATE_PERCENT must be 1 to 100");
        require(retention.logDays() >= 1 && retention.healthDays() >= 1, "integration log and health retention must be at least one day");
        require(retention.batch() >= 1 && retention.batch() <= 100_000, "TOLLGATE_INTEGRATIONS_RETENTION_BATCH must be 1 to 100000");
        require(analyticsEveryMillis >= 1000, "TOLLGATE_INTEGRATIONS_ANALYTICS_EVERY_MILLIS must be at least 1000");
        require(proxy.maxBodyBytes() >= 1024 && proxy.maxBodyBytes() <= 1L << 40, "TOLLGATE_INTEGRATIONS_PROXY_MAX_BODY_BYTES must be 1 KiB to 1 TiB");
        require(proxy.jsonAuthBodyMaxBytes() >= 1024 && proxy.jsonAuthBodyMaxBytes() <= 16 << 20,
                "TOLLGATE_INTEGRATIONS_PROXY_JSON_AUTH_BODY_MAX_BYTES must be 1 KiB to 16 MiB");
        require(proxy.firstByteTimeoutMillis() >= 100 && proxy.firstByteTimeoutMillis() <= 600_000,
                "TOLLGATE_INTEGRATIONS_PROXY_FIRST_BYTE_TIMEOUT_MILLIS must be 100 to 600000");
        require(proxy.totalTimeoutMillis() >= proxy.firstByteTimeoutMillis() && proxy.totalTimeoutMillis() <= 3_600_000,
                "TOLLGATE_INTEGRATIONS_PROXY_TOTAL_TIMEOUT_MILLIS must be the first-byte timeout to 3600000");
        require(proxy.maxConnections() >= 1 && proxy.maxConnections() <= 10_000, "TOLLGATE_INTEGRATIONS_PROXY_MAX_CONNECTIONS must be 1 to 10000");
        require(resilience.backoffMillis() >= 1 && resilience.backoffMillis() <= 10_000, "TOLLGATE_INTEGRATIONS_RETRY_BACKOFF_MILLIS must be 1 to 10000");
        require(resilience.breakerWindow() >= 1 && resilience.breakerWindow() <= 10_000, "TOLLGATE_INTEGRATIONS_BREAKER_WINDOW must be 1 to 10000");
        require(resilience.breakerOpenMillis() >= 1000 && resilience.breakerOpenMillis() <= 3_600_000,
                "TOLLGATE_INTEGRATIONS_BREAKER_OPEN_MILLIS must be 1000 to 3600000");
        overrides(providerOverrides);
    }

    /** "openai.base_url=http://127.0.0.1:9000,twitter.token_url=…" → provider → field → URL. */
    public Map<String, Map<String, String>> overrides() {
        return overrides(providerOverrides);
    }

    private static Map<String, Map<String, String>> overrides(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) return out;
        for (String pair : text.split(",")) {
            String[] kv = pair.strip().split("=", 2);
            String[] target = kv[0].strip().split("\\.", 2);
            require(kv.length == 2 && target.length == 2 && OVERRIDABLE.contains(target[1]) && kv[1].strip().matches("https?://\\S+"),
                    "TOLLGATE_INTEGRATIONS_PROVIDER_OVERRIDES: each entry is <provider>.<" + String.join("|", OVERRIDABLE) + ">=<http(s) URL>, not: " + pair);
            out.computeIfAbsent(target[0], k -> new LinkedHashMap<>()).put(target[1], kv[1].strip());
        }
        return out;
    }

    /** Hosts exempt from the egress address check, as written in URLs (normalized). */
    public Set<String> egressAllowlist() {
        return allowedHosts == null ? Set.of() : allowedHosts.stream().map(String::strip).filter(h -> !h.isEmpty())
                .map(io.tollgate.platform.EgressAddresses::normalize).collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> requestHeaderAllowlist() {
        return lower(log.requestHeaders());
    }

    public Set<String> responseHeaderAllowlist() {
        return lower(log.responseHeaders());
    }

    private static Set<String> lower(List<String> names) {
        return names == null ? Set.of() : names.stream().map(n -> n.strip().toLowerCase()).filter(n -> !n.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalStateException(message);
    }
}
