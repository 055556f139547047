package io.tollgate.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Sends one attempt: a POST of the message's body with the Standard Webhooks headers, through the JDK
 * HttpClient with redirects off. Success is a 2xx status line within the timeout; the answer's first
 * bytes are kept for the log and the rest is not read. Hosts not on the allowlist are reached through
 * the {@link EgressGuard} and only over https; plain http goes only to allowlisted hosts.
 */
final class Sender implements AutoCloseable {
    static final String USER_AGENT = "Tollgate-Webhooks/1";
    private final HttpClient client;
    private final EgressGuard guard;
    private final AddressPolicy policy;
    private final Duration timeout;
    private final int excerptBytes;

    /** What an attempt came to: a status (and maybe Retry-After), or an error before any status. */
    record Answer(Integer status, String excerpt, String error, int latencyMillis, Duration retryAfter) {
        boolean succeeded() {
            return status != null && status >= 200 && status < 300;
        }
    }

    /** sslContext: null for the JDK's default trust (tests of TLS through the guard bring their own). */
    Sender(AddressPolicy policy, EgressGuard guard, Duration timeout, Duration connectTimeout, int excerptBytes, SSLContext sslContext) {
        this.policy = policy;
        this.guard = guard;
        this.timeout = timeout;
        this.excerptBytes = excerptBytes;
        InetSocketAddress door = guard.address();
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (sslContext != null) builder.sslContext(sslContext);
        this.client = builder
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-http-", 0).factory()))
                .proxy(new ProxySelector() {
                    @Override
                    public List<Proxy> select(URI uri) {
                        return policy.allowlisted(uri.getHost()) ? List.of(Proxy.NO_PROXY) : List.of(new Proxy(Proxy.Type.HTTP, door));
                    }

                    @Override
                    public void connectFailed(URI uri, SocketAddress address, IOException e) {
                        // The attempt fails and is logged; nothing to remember here.
                    }
                })
                .build();
    }

    Answer send(EndpointConfig endpoint, String messageId, String body, Long sequence, Instant now) {
        URI uri = endpoint.uri();
        boolean allowlisted = policy.allowlisted(uri.getHost());
        if (!allowlisted && !"https".equalsIgnoreCase(uri.getScheme())) {
            return new Answer(null, null, "refused: plain http is only for hosts in TOLLGATE_WEBHOOK_ALLOWED_HOSTS", 0, null);
        }
        long timestamp = now.getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("webhook-id", messageId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", endpoint.signature(messageId, timestamp, body, now));
        if (sequence != null) request.header("webhook-sequence", Long.toString(sequence));
        endpoint.headers().forEach(request::header);
        // h2c upgrades confuse some plain-http servers; over TLS, ALPN picks HTTP/2 when both sides have it.
        if ("http".equalsIgnoreCase(uri.getScheme())) request.version(HttpClient.Version.HTTP_1_1);

        long started = System.nanoTime();
        AtomicLong headAt = new AtomicLong();
        int[] headStatus = {0};
        String[] retryAfter = {null};
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request.build(), info -> {
            headStatus[0] = info.statusCode();
            retryAfter[0] = info.headers().firstValue("retry-after").orElse(null);
            headAt.set(System.nanoTime()); // last: a reader that sees it sees the two above
            return new Excerpt(excerptBytes);
        });
        try {
            HttpResponse<byte[]> r = response.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return new Answer(r.statusCode(), excerpt(r.body()), null, millisSince(started, headAt.get()), retryAfter(retryAfter[0], now));
        } catch (TimeoutException e) {
            response.cancel(true);
            // The status line came in time but the body did not end: the status is the answer.
            if (headAt.get() != 0) return new Answer(headStatus[0], null, null, millisSince(started, headAt.get()), retryAfter(retryAfter[0], now));
            return new Answer(null, null, "no answer within " + timeout.toMillis() + " ms", millisSince(started, 0), null);
        } catch (ExecutionException e) {
            if (headAt.get() != 0) return new Answer(headStatus[0], null, null, millisSince(started, headAt.get()), retryAfter(retryAfter[0], now));
            return new Answer(null, null, describe(e.getCause(), uri), millisSince(started, 0), null);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return new Answer(null, null, "interrupted (the node is stopping)", millisSince(started, 0), null);
        }
    }

    private String describe(Throwable cause, URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String refusal = guard.refusalFor(uri.getHost(), port);
        if (refusal != null && cause instanceof IOException && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("tunnel")) {
            return "refused: " + refusal;
        }
        if (cause instanceof HttpTimeoutException) return "no answer within " + timeout.toMillis() + " ms";
        if (cause instanceof ConnectException) return "could not connect: " + (cause.getMessage() == null ? "connection refused" : cause.getMessage());
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static int millisSince(long started, long end) {
        long until = end == 0 ? System.nanoTime() : end;
        return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(until - started));
    }

    /** Text for the log: UTF-8, control characters (PostgreSQL text takes no NUL) replaced. */
    private static String excerpt(byte[] bytes) {
        if (bytes == null || bytes.length == 0) return null;
        StringBuilder text = new StringBuilder(new String(bytes, StandardCharsets.UTF_8));
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) text.setCharAt(i, '\uFFFD');
        }
        return text.toString();
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) return null;
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit)) {
            return v.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Collects the first bytes of the answer, then cancels: a receiver cannot make us read a large body. */
    private static final class Excerpt implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Excerpt(int limit) {
            this.limit = limit;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (limit == 0) {
                s.cancel();
                result.complete(new byte[0]);
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int take = Math.min(b.remaining(), limit - out.size());
                byte[] chunk = new byte[take];
                b.get(chunk);
                out.write(chunk, 0, take);
                if (out.size() >= limit) {
                    subscription.cancel();
                    result.complete(out.toByteArray());
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
