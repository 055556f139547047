package io.tollgate.gateway.internal;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Bounded connection pools. An HTTP/1.1 exchange holds one connection for its whole length, so a pool's
 * semaphore (permits = its maxConnections) bounds the connections it can open as well as its calls in
 * flight; connections stay open for reuse in the HttpClient between calls. HttpClients are shared by
 * upstreams with the same connect timeout (that timeout is a setting of the client, not of a request).
 */
public final class ConnectionPools implements AutoCloseable {
    private record Pool(int size, Semaphore permits) {}

    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final Map<Integer, HttpClient> clients = new ConcurrentHashMap<>();

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

    public HttpClient client(int connectTimeoutMillis) {
        return clients.computeIfAbsent(connectTimeoutMillis, t -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(t))
                // A redirect is the upstream's answer to pass on, never a hop Tollgate takes by itself.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
    }
}
