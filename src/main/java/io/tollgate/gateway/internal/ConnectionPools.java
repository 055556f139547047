package io.tollgate.gateway.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Bounded connection pools. An HTTP/1.1 exchange holds one connection for its whole length, so a pool's
 * semaphore (permits = its maxConnections) bounds the connections it can open as well as its calls in
 * flight; connections stay open for reuse in the HTTP client between calls. Clients are shared by
 * upstreams with the same connect timeout (that timeout is a setting of the connection, not of a request).
 *
 * <p>The client is Apache HttpClient 5 classic: the exchange runs on the calling thread with blocking I/O,
 * with no selector or worker threads to hand each call over to (bench/client-cost.sh: 54 µs of CPU per call
 * against 320 µs for the JDK's HttpClient). Everything a general client does on its own is off: redirects
 * (an answer to pass on, never a hop to take), retries (the engine decides them), decompression (bodies
 * pass through as sent), cookies and auth caching (no state between different apps' calls).
 */
public final class ConnectionPools implements AutoCloseable {
    /** A ceiling only: the pools' semaphores decide how many connections an upstream gets. */
    private static final int MAX_CONNECTIONS = 10_000;
    /** A pooled connection idle longer than this is checked before reuse (the upstream may have closed it). */
    private static final TimeValue VALIDATE_AFTER_IDLE = TimeValue.ofSeconds(1);
    private static final TimeValue EVICT_IDLE = TimeValue.ofSeconds(30);

    private record Pool(int size, Semaphore permits) {}

    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final Map<Integer, CloseableHttpClient> clients = new ConcurrentHashMap<>();

    /** The pool's semaphore; a changed size starts a new one (calls holding the old one release it). */
    public Semaphore permits(String pool, int maxConnections) {
        return pools.compute(pool, (name, existing) ->
                existing != null && existing.size() == maxConnections ? existing : new Pool(maxConnections, new Semaphore(maxConnections, true)))
                .permits();
    }

    /** How many calls hold a connection of the pool now. */
    public int inUse(String pool) {
        Pool p = pools.get(pool);
        return p == null ? 0 : p.size() - p.permits().availablePermits();
    }

    public CloseableHttpClient client(int connectTimeoutMillis) {
        return clients.computeIfAbsent(connectTimeoutMillis, t -> HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS)
                        // The JVM's trust store and TLS settings, as the JDK client used.
                        .setTlsSocketStrategy(DefaultClientTlsStrategy.createSystemDefault())
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofMilliseconds(t))
                                .setValidateAfterInactivity(VALIDATE_AFTER_IDLE)
                                .build())
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .evictIdleConnections(EVICT_IDLE)
                .build());
    }

    @Override
    public void close() {
        clients.values().forEach(c -> c.close(CloseMode.IMMEDIATE));
    }
}
