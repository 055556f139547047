package io.tollgate.gateway;

import io.tollgate.platform.RunSlots;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tollgate.gateway.internal.ConnectionPools;
import io.tollgate.gateway.internal.Deadlines;
import io.tollgate.gateway.internal.HeaderRules;
import io.tollgate.gateway.internal.UpstreamBreakers;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.TollgateProperties;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The streaming reverse proxy engine: forwards one request to an upstream and streams its answer back to
 * the client as it arrives (a server-sent event reaches the client when the upstream sends it), with
 * <ul>
 *   <li>a bounded connection pool per upstream (calls beyond it wait {@code pool-wait-millis}, then BUSY),</li>
 *   <li>connect, first-byte and total timeouts,</li>
 *   <li>a Resilience4j circuit breaker per upstream (open: CIRCUIT_OPEN, nothing sent),</li>
 *   <li>retries with exponential backoff and jitter — for idempotent methods, and for any method when the
 *       connection was refused (nothing was sent) — never once the client got a byte: an attempt's answer
 *       is only passed on when it is the one kept.</li>
 * </ul>
 * It decides nothing about money: callers read the {@link ProxyResult} (and see the body through a
 * {@link ResponseTap}) and decide what to charge, answer or record.
 */
@Service
public class UpstreamProxy implements DisposableBean {
    /** RFC 9110 §9.2.2. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
    /** Answers that say "try again" without the upstream having done anything. */
    private static final Set<Integer> RETRY_STATUSES = Set.of(502, 503, 504);
    private static final int CHUNK_BYTES = 16 * 1024;
    /** Methods whose empty body is still sent as {@code Content-Length: 0} (as the JDK client did). */
    private static final Set<String> SENDS_LENGTH_WHEN_EMPTY = Set.of("POST", "PUT", "PATCH");
    /** How much later than a call's total timeout a silent socket gives up by itself, should an abort not land. */
    private static final long BACKSTOP_MARGIN_MILLIS = 5_000;

    private final GatewayProperties properties;
    private final ConnectionPools pools = new ConnectionPools();
    private final Deadlines deadlines = new Deadlines();
    private final UpstreamBreakers breakers;
    /** The gateway's own retry and breaker settings, for calls that bring none. */
    private final UpstreamResilience defaults;
    private final Path spoolDir;
    private final Semaphore spoolPermits;

    UpstreamProxy(GatewayProperties properties, CircuitBreakerRegistry registry, TollgateProperties tollgate) throws IOException {
        this.properties = properties;
        this.breakers = new UpstreamBreakers(registry, properties.breaker());
        this.defaults = new UpstreamResilience(properties.maxAttempts(), properties.retryBackoffMillis(), properties.breaker());
        this.spoolPermits = new Semaphore(properties.maxSpooledUploads());
        this.spoolDir = tollgate.dataDir().resolve("gateway-spool");
        Files.createDirectories(spoolDir);
        // Spool files of a node that stopped mid-call.
        try (var leftovers = Files.list(spoolDir)) {
            for (Path p : leftovers.toList()) Files.deleteIfExists(p);
        }
    }

    /**
     * Reads a request body whole, hashing it: up to spool-memory-bytes in memory, beyond that into a
     * temporary file. 413 PAYLOAD_TOO_LARGE past maxBytes; 503 GATEWAY_BUSY when max-spooled-uploads
     * bodies are on disk already.
     */
    public SpooledBody spool(InputStream in, long maxBytes) throws IOException {
        MessageDigest sha = Digests.sha256();
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK_BYTES];
        long total = 0;
        Path file = null;
        OutputStream disk = null;
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                total += n;
                if (total > maxBytes) throw tooLarge(maxBytes);
                sha.update(chunk, 0, n);
                if (disk == null && total > properties.spoolMemoryBytes()) {
                    if (!spoolPermits.tryAcquire()) {
                        throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "GATEWAY_BUSY", "Too many large uploads are being forwarded; retry shortly",
                                Map.of("retry_after_seconds", 1), Map.of());
                    }
                    try {
                        file = Files.createTempFile(spoolDir, "body-", ".spool");
                        disk = Files.newOutputStream(file);
                    } catch (IOException | RuntimeException e) {
                        spoolPermits.release();
                        if (file != null) Files.deleteIfExists(file);
                        throw e;
                    }
                    memory.writeTo(disk);
                    memory = null;
                }
                if (disk != null) disk.write(chunk, 0, n);
                else memory.write(chunk, 0, n);
            }
            if (disk == null) return new SpooledBody(memory.toByteArray(), null, total, sha.digest(), () -> {});
            disk.close();
            return new SpooledBody(null, file, total, sha.digest(), spoolPermits::release);
        } catch (IOException | RuntimeException e) {
            if (disk != null) {
                try { disk.close(); } catch (IOException ignored) { /* deleting it anyway */ }
                Files.deleteIfExists(file);
                spoolPermits.release();
            }
            throw e;
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "Request body exceeds " + maxBytes + " bytes");
    }

    /** The breaker of an upstream on this node: closed, open or half_open. */
    public String breakerState(String breaker) {
        return breakers.state(breaker);
    }

    /** Calls holding a connection of the pool on this node now. */
    public int connectionsInUse(String pool) {
        return pools.inUse(pool);
    }

    /**
     * Forwards the call and, when the upstream answers, streams the answer to {@code response}. Blocks until
     * the answer was written (or the call failed); never throws for upstream trouble.
     */
    public ProxyResult forward(ProxyRequest request, HttpServletResponse response, ResponseTap tap) {
        long started = System.nanoTime();
        Semaphore pool = pools.permits(request.pool(), request.limits().maxConnections());
        try {
            if (!pool.tryAcquire(properties.poolWaitMillis(), TimeUnit.MILLISECONDS)) {
                return ProxyResult.notSent(ProxyResult.Kind.BUSY, millisSince(started), 1,
                        "all " + request.limits().maxConnections() + " connections to the upstream stayed busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProxyResult.notSent(ProxyResult.Kind.BUSY, millisSince(started), 1, "interrupted while waiting for a connection");
        }
        List<InputStream> uploads = new ArrayList<>(1);
        try (Deadlines.Ticket deadline = deadlines.start(started + TimeUnit.MILLISECONDS.toNanos(request.limits().totalTimeoutMillis()))) {
            return attempts(request, response, tap, started, deadline, uploads);
        } finally {
            pool.release();
            for (InputStream upload : uploads) {
                try { upload.close(); } catch (IOException ignored) { /* a spool file or a byte array */ }
            }
        }
    }

    private ProxyResult attempts(ProxyRequest request, HttpServletResponse response, ResponseTap tap, long started,
                                 Deadlines.Ticket deadline, List<InputStream> uploads) {
        UpstreamResilience resilience = request.resilience() != null ? request.resilience() : defaults;
        CircuitBreaker breaker = breakers.of(request.breaker(), resilience.breaker());
        CloseableHttpClient client = pools.client(request.limits().connectTimeoutMillis());
        boolean idempotent = IDEMPOTENT.contains(request.method());
        ProxyResult last = null;
        for (int attempt = 1; ; attempt++) {
            if (!breaker.tryAcquirePermission()) {
                if (last != null) return last;
                return ProxyResult.notSent(ProxyResult.Kind.CIRCUIT_OPEN, millisSince(started), breakers.retryAfterSeconds(request.breaker()),
                        "the upstream's circuit breaker is open");
            }
            long sent = System.nanoTime();
            HttpUriRequestBase exchange;
            try {
                exchange = build(request, deadline, uploads);
            } catch (IllegalArgumentException e) {
                breaker.releasePermission();
                return failed(ProxyResult.Kind.UNAVAILABLE, started, attempt, "the request cannot be sent: " + e.getMessage());
            }
            deadline.onFire(exchange::cancel);
            ClassicHttpResponse answer;
            RunSlots.giveBack(); // waiting for the upstream needs no CPU here
            // The first-byte timeout aborts the exchange if no answer began in time; it never applies to the
            // gaps of a body already flowing (an event stream may be quiet for long), the total timeout does.
            long firstByteNanos = TimeUnit.MILLISECONDS.toNanos(request.limits().firstByteTimeoutMillis());
            try (Deadlines.Ticket firstByte = deadlines.watch(sent + firstByteNanos, exchange::cancel)) {
                try {
                    answer = client.executeOpen(null, exchange, null);
                } catch (ConnectTimeoutException | HttpHostConnectException e) {
                    // Nothing reached the upstream: safe to retry whatever the method.
                    breaker.onError(System.nanoTime() - sent, TimeUnit.NANOSECONDS, e);
                    last = failed(deadline.fired() || firstByte.fired() || e instanceof ConnectTimeoutException
                            ? ProxyResult.Kind.TIMEOUT : ProxyResult.Kind.UNAVAILABLE, started, attempt, describe(e));
                    if (last.kind() == ProxyResult.Kind.UNAVAILABLE && backOff(attempt, deadline, resilience)) continue;
                    return last;
                } catch (IOException e) {
                    breaker.onError(System.nanoTime() - sent, TimeUnit.NANOSECONDS, e);
                    if (deadline.fired()) return failed(ProxyResult.Kind.TIMEOUT, started, attempt, "no answer within the total timeout");
                    if (firstByte.fired()) return failed(ProxyResult.Kind.TIMEOUT, started, attempt, "no answer within the first-byte timeout");
                    last = failed(ProxyResult.Kind.UNAVAILABLE, started, attempt, describe(e));
                    if (idempotent && backOff(attempt, deadline, resilience)) continue;
                    return last;
                }
            }
            long firstByte = System.nanoTime() - sent;
            int status = answer.getCode();
            if (status >= 500) breaker.onError(firstByte, TimeUnit.NANOSECONDS, new UpstreamStatus(status));
            else breaker.onSuccess(firstByte, TimeUnit.NANOSECONDS);
            if (RETRY_STATUSES.contains(status) && idempotent && attempt < resilience.maxAttempts() && deadline.remainingNanos() > 0) {
                // The client has seen nothing of this answer yet, so another attempt may replace it.
                discard(answer);
                if (backOff(attempt, deadline, resilience)) continue;
            }
            return stream(request, answer, response, tap, started, TimeUnit.NANOSECONDS.toMillis(firstByte), attempt, deadline);
        }
    }

    private HttpUriRequestBase build(ProxyRequest request, Deadlines.Ticket deadline, List<InputStream> uploads) {
        HttpUriRequestBase exchange = new HttpUriRequestBase(request.method(), request.target());
        // A socket read timeout only as a backstop behind the deadlines (which abort the exchange): a read
        // timeout shorter than the total would cut an event stream's quiet gaps.
        long backstopMillis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline.remainingNanos())) + BACKSTOP_MARGIN_MILLIS;
        exchange.setConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.ofMilliseconds(backstopMillis))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(backstopMillis))
                .build());
        Set<String> connection = HeaderRules.connectionTokens(request.headers().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("connection")).map(Map.Entry::getValue).toList());
        for (Map.Entry<String, String> h : request.headers()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (HeaderRules.hopByHop(lower, connection) || request.strip().contains(lower) || containsIgnoreCase(request.add(), lower)) continue;
            if (HeaderRules.sendable(h.getKey(), h.getValue())) exchange.addHeader(h.getKey(), h.getValue());
        }
        request.add().forEach((name, value) -> {
            // A header the caller requires must not silently go missing (nor smuggle a line break).
            if (!HeaderRules.sendable(name, value)) throw new IllegalArgumentException("header " + name + " cannot be sent");
            exchange.setHeader(name, value);
        });
        if (request.body().length() > 0) {
            InputStream upload = request.body().open();
            uploads.add(upload);
            exchange.setEntity(new InputStreamEntity(upload, request.body().length(), null));
        } else if (SENDS_LENGTH_WHEN_EMPTY.contains(request.method())) {
            exchange.setEntity(new ByteArrayEntity(new byte[0], null)); // Content-Length: 0
        }
        return exchange;
    }

    private static boolean containsIgnoreCase(Map<String, String> headers, String lowerName) {
        for (String name : headers.keySet()) if (name.equalsIgnoreCase(lowerName)) return true;
        return false;
    }

    /** The answer's headers as one case-insensitive map, in the order the upstream sent them. */
    private static HttpHeaders headersOf(ClassicHttpResponse answer) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : answer.getHeaders()) map.computeIfAbsent(h.getName(), k -> new ArrayList<>(1)).add(h.getValue());
        return HttpHeaders.of(map, (name, value) -> true);
    }

    /** Writes the upstream's status and headers, then its body as it arrives, chunk by chunk, flushing each. */
    private ProxyResult stream(ProxyRequest request, ClassicHttpResponse answer, HttpServletResponse response, ResponseTap tap,
                               long started, long firstByteMillis, int attempts, Deadlines.Ticket deadline) {
        int status = answer.getCode();
        HttpHeaders headers = headersOf(answer);
        tap.headers(status, headers);
        Set<String> connection = HeaderRules.connectionTokens(headers.allValues("connection"));
        response.setStatus(status);
        headers.map().forEach((name, values) -> {
            // The caller's own response headers replace the upstream's of the same name.
            if (HeaderRules.notBack(name, connection) || containsIgnoreCase(request.responseHeaders(), name.toLowerCase(Locale.ROOT))) return;
            for (String value : values) response.addHeader(name, value);
        });
        headers.firstValueAsLong("content-length").ifPresent(length -> {
            if (!"HEAD".equals(request.method())) response.setContentLengthLong(length);
        });
        request.responseHeaders().forEach(response::setHeader);
        boolean clientGone = false;
        ProxyResult.Ending ending = ProxyResult.Ending.CUT_OFF;
        long bytesOut = 0;
        String failure = null;
        OutputStream client = null;
        try {
            client = response.getOutputStream();
            response.flushBuffer(); // the status and headers go now, even if the first event takes a while
        } catch (IOException e) {
            clientGone = true;
        }
        byte[] chunk = new byte[CHUNK_BYTES];
        // Closing the answer before its body was read to the end drops the connection (it is mid-message);
        // read to the end, the connection went back to the pool already and closing is a no-op.
        try (answer; InputStream body = answer.getEntity() == null ? InputStream.nullInputStream() : answer.getEntity().getContent()) {
            int n;
            while ((n = body.read(chunk)) >= 0) {
                if (n == 0) continue;
                bytesOut += n;
                tap.bytes(chunk, 0, n);
                if (clientGone) continue;
                try {
                    client.write(chunk, 0, n);
                    client.flush();
                } catch (IOException e) {
                    clientGone = true;
                    if (deadline.fired() || !request.drainWhenClientGone()) break;
                }
            }
            if (n < 0) ending = ProxyResult.Ending.WHOLE;
            else if (!deadline.fired()) ending = ProxyResult.Ending.CLIENT_LEFT;
        } catch (IOException e) {
            failure = "the upstream broke off its answer: " + describe(e);
        }
        if (deadline.fired() && ending != ProxyResult.Ending.WHOLE) {
            ending = ProxyResult.Ending.CUT_OFF;
            failure = "the answer was cut off at the total timeout";
        } else if (ending == ProxyResult.Ending.CLIENT_LEFT) {
            failure = "the client went away";
        }
        tap.end(ending == ProxyResult.Ending.WHOLE);
        return new ProxyResult(ProxyResult.Kind.ANSWERED, status, new ProxyResult.Timing(firstByteMillis, millisSince(started)),
                new ProxyResult.Bytes(request.body().length(), bytesOut), ending, clientGone, attempts, 0, failure);
    }

    private ProxyResult failed(ProxyResult.Kind kind, long started, int attempts, String failure) {
        long total = millisSince(started);
        return new ProxyResult(kind, null, new ProxyResult.Timing(total, total), new ProxyResult.Bytes(0, 0), null, false, attempts, 0, failure);
    }

    /** Sleeps before the next attempt: exponential with ±50 % jitter, never past the deadline. False: no attempt left. */
    private boolean backOff(int attempt, Deadlines.Ticket deadline, UpstreamResilience resilience) {
        if (attempt >= resilience.maxAttempts()) return false;
        long base = resilience.retryBackoffMillis() << Math.min(attempt - 1, 16);
        long millis = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        if (TimeUnit.MILLISECONDS.toNanos(millis) >= deadline.remainingNanos()) return false;
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false; // the total timeout: the last failure stands
        }
    }

    /** Reads an answer we drop to its end, so its connection goes back to the pool. */
    private static void discard(ClassicHttpResponse answer) {
        try (answer) {
            EntityUtils.consume(answer.getEntity());
        } catch (IOException ignored) {
            // An answer we drop anyway (closing it drops its connection).
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    @Override
    public void destroy() {
        deadlines.close();
        pools.close();
    }

    /** A 5xx answer, recorded by the breaker as a failure of the upstream. */
    static final class UpstreamStatus extends RuntimeException {
        UpstreamStatus(int status) {
            super("upstream answered " + status, null, false, false);
        }
    }
}
