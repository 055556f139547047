package io.tollgate.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One call for {@link UpstreamProxy#forward}: where to, with what, and under which pool, breaker and limits.
 * The client's headers are forwarded except hop-by-hop ones (always) and those named in {@code strip};
 * {@code add} replaces any header of the same name.
 */
public final class ProxyRequest {
    private final String method;
    private final URI target;
    private final List<Map.Entry<String, String>> headers;
    private final SpooledBody body;
    private final Set<String> strip;
    private final Map<String, String> add;
    private final Map<String, String> responseHeaders;
    private final String pool;
    private final String breaker;
    private final UpstreamLimits limits;
    private final boolean drainWhenClientGone;
    private final UpstreamResilience resilience;

    private ProxyRequest(Builder b) {
        this.method = b.method;
        this.target = b.target;
        this.headers = List.copyOf(b.headers);
        this.body = b.body;
        this.strip = Set.copyOf(b.strip);
        this.add = Map.copyOf(b.add);
        this.responseHeaders = Map.copyOf(b.responseHeaders);
        this.pool = b.pool;
        this.breaker = b.breaker;
        this.limits = b.limits;
        this.drainWhenClientGone = b.drainWhenClientGone;
        this.resilience = b.resilience;
    }

    /** @param target absolute http(s) URI: the upstream's address, path and query as the upstream should see them */
    public static Builder to(String method, URI target) {
        return new Builder(method, target);
    }

    public String method() { return method; }
    public URI target() { return target; }
    public List<Map.Entry<String, String>> headers() { return headers; }
    public SpooledBody body() { return body; }
    /** Lower-case names. */
    public Set<String> strip() { return strip; }
    public Map<String, String> add() { return add; }
    public Map<String, String> responseHeaders() { return responseHeaders; }
    public String pool() { return pool; }
    public String breaker() { return breaker; }
    public UpstreamLimits limits() { return limits; }
    public boolean drainWhenClientGone() { return drainWhenClientGone; }
    /** Null: the gateway's own retry and breaker settings. */
    public UpstreamResilience resilience() { return resilience; }

    public static final class Builder {
        private final String method;
        private final URI target;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private SpooledBody body = SpooledBody.empty();
        private final Set<String> strip = new TreeSet<>();
        private final Map<String, String> add = new LinkedHashMap<>();
        private final Map<String, String> responseHeaders = new LinkedHashMap<>();
        private String pool;
        private String breaker;
        private UpstreamLimits limits;
        private boolean drainWhenClientGone;
        private UpstreamResilience resilience;

        private Builder(String method, URI target) {
            this.method = Objects.requireNonNull(method).toUpperCase(Locale.ROOT);
            this.target = Objects.requireNonNull(target);
            String scheme = target.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) throw new IllegalArgumentException("not an http(s) target: " + target);
        }

        /** A header of the client's request, to be forwarded unless a rule strips it. */
        public Builder header(String name, String value) { headers.add(Map.entry(name, value)); return this; }
        public Builder body(SpooledBody body) { this.body = Objects.requireNonNull(body); return this; }
        /** Never forwarded (case-insensitive). */
        public Builder strip(String... names) { for (String n : names) strip.add(n.toLowerCase(Locale.ROOT)); return this; }
        /** Sent to the upstream, replacing the client's header of that name. */
        public Builder add(String name, String value) { add.put(name, value); return this; }
        /** Added to the answer the client gets (when the upstream answered). */
        public Builder responseHeader(String name, String value) { responseHeaders.put(name, value); return this; }
        /** pool: calls sharing it share its connection limit; breaker: calls sharing it open and close together. */
        public Builder upstream(String pool, String breaker, UpstreamLimits limits) {
            this.pool = Objects.requireNonNull(pool);
            this.breaker = Objects.requireNonNull(breaker);
            this.limits = Objects.requireNonNull(limits);
            return this;
        }
        /** When the client hangs up mid-answer, keep reading the upstream (within the total timeout), so its taps see it all. */
        public Builder drainWhenClientGone(boolean drain) { this.drainWhenClientGone = drain; return this; }

        /** Retries and breaker by these settings instead of the gateway's. */
        public Builder resilience(UpstreamResilience resilience) { this.resilience = Objects.requireNonNull(resilience); return this; }

        public ProxyRequest build() {
            if (pool == null) throw new IllegalStateException("upstream(pool, breaker, limits) is required");
            return new ProxyRequest(this);
        }
    }
}
