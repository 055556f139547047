package io.tollgate.payments.mpesa;

import io.tollgate.platform.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * HTTP to Daraja: an OAuth token (client credentials) cached until shortly before it expires and
 * fetched once for all concurrent callers; a POST that is repeated once with a fresh token when
 * Daraja says the token is invalid (it was refused, so nothing happened). Every exchange has a
 * connect timeout, a deadline for the whole answer and a bounded body. Resilience (breaker, retry)
 * is ProviderCalls' job one level up.
 */
@Component
@Conditional(MpesaConfigured.class)
class DarajaClient {
    static final String TOKEN_PATH = "/oauth/v1/generate?grant_type=client_credentials";
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Daraja's tokens live an hour; renew a minute early so none expires in flight. */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
    private static final long MAX_TOKEN_SECONDS = 24 * 3600;
    private static final String INVALID_TOKEN_CODE = "404.001.03";

    private final MpesaSettings settings;
    private final Json json;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicReference<Token> token = new AtomicReference<>();
    private final ReentrantLock tokenFetch = new ReentrantLock();

    DarajaClient(MpesaSettings settings, Json json, Clock clock) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    record Token(String value, Instant renewAt) {}

    /** Any HTTP answer; body is empty when it was not a JSON object. */
    record Reply(int status, Map<String, Object> body) {
        String text(String field) {
            Object value = body.get(field);
            return value == null ? null : String.valueOf(value);
        }
    }

    Reply post(String path, Map<String, Object> body) {
        String payload = json.write(body);
        Token used = token();
        Reply reply = exchange(post(path, payload, used));
        if (reply.status() == 401 || INVALID_TOKEN_CODE.equals(reply.text("errorCode"))) {
            token.compareAndSet(used, null);
            reply = exchange(post(path, payload, token()));
        }
        return reply;
    }

    /** The cached token, or one fetch that concurrent callers wait for and share. */
    Token token() {
        Token current = token.get();
        if (current != null && clock.instant().isBefore(current.renewAt())) return current;
        tokenFetch.lock();
        try {
            current = token.get();
            if (current != null && clock.instant().isBefore(current.renewAt())) return current;
            Token fresh = fetchToken();
            token.set(fresh);
            return fresh;
        } finally {
            tokenFetch.unlock();
        }
    }

    private Token fetchToken() {
        HttpRequest request = HttpRequest.newBuilder(url(TOKEN_PATH)).timeout(settings.readTimeout())
                .header("Authorization", settings.basicAuthorization()).header("Accept", "application/json").GET().build();
        Reply reply;
        try {
            reply = exchange(request);
        } catch (DarajaException e) {
            // Without a token the real request was never sent.
            throw new DarajaException("MPESA_UNAVAILABLE", "M-Pesa authentication failed: " + e.getMessage(), false, e.transientFailure(), e);
        }
        String value = reply.text("access_token");
        if (reply.status() != 200 || value == null || value.isBlank()) {
            boolean transientFailure = reply.status() >= 500 || reply.status() == 429;
            throw new DarajaException("MPESA_AUTH_FAILED", "M-Pesa refused the consumer key and secret (HTTP " + reply.status()
                    + describe(reply) + ")", false, transientFailure, null);
        }
        long seconds = expiresInSeconds(reply.body().get("expires_in"));
        Duration early = Duration.ofSeconds(Math.min(RENEW_BEFORE_EXPIRY.toSeconds(), seconds / 10));
        return new Token(value, clock.instant().plusSeconds(seconds).minus(early));
    }

    /** Daraja sends expires_in as a string ("3599"); a number is accepted too. */
    private static long expiresInSeconds(Object value) {
        try {
            long seconds = value == null ? 3599 : Long.parseLong(String.valueOf(value).strip());
            return Math.clamp(seconds, 1, MAX_TOKEN_SECONDS);
        } catch (NumberFormatException e) {
            return 3599;
        }
    }

    private HttpRequest post(String path, String payload, Token bearer) {
        return HttpRequest.newBuilder(url(path)).timeout(settings.readTimeout())
                .header("Authorization", "Bearer " + bearer.value()).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build();
    }

    private Reply exchange(HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> new LimitedBody(MAX_RESPONSE_BYTES));
        // The request timeout covers the headers only; this deadline also bounds a body that trickles in.
        long deadlineMillis = settings.connectTimeout().toMillis() + settings.readTimeout().toMillis();
        HttpResponse<byte[]> response;
        try {
            response = future.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DarajaException("MPESA_TIMEOUT", "M-Pesa did not answer within " + deadlineMillis + " ms", true, true, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new DarajaException("MPESA_INTERRUPTED", "Interrupted while waiting for M-Pesa", true, true, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
        return new Reply(response.statusCode(), parse(response.body()));
    }

    private static DarajaException failure(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
                || cause != null && cause.getCause() instanceof ConnectException) {
            return new DarajaException("MPESA_UNAVAILABLE", "M-Pesa could not be reached: " + cause, false, true, cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new DarajaException("MPESA_TIMEOUT", "M-Pesa did not answer in time", true, true, cause);
        }
        if (cause instanceof LimitedBody.TooLarge) {
            return new DarajaException("MPESA_BAD_RESPONSE", "M-Pesa's answer was too large: " + cause.getMessage(), true, false, cause);
        }
        return new DarajaException("MPESA_UNAVAILABLE", "M-Pesa exchange failed: " + cause, true, true, cause);
    }

    private Map<String, Object> parse(byte[] body) {
        if (body.length == 0) return Map.of();
        try {
            Map<String, Object> map = json.readMap(new String(body, StandardCharsets.UTF_8));
            return map == null ? Map.of() : map;
        } catch (JacksonException | ClassCastException e) {
            return Map.of(); // an HTML error page from a gateway, say
        }
    }

    static String describe(Reply reply) {
        String code = reply.text("errorCode");
        String message = reply.text("errorMessage");
        if (code == null && message == null) return "";
        return ": " + (message == null ? "" : message) + (code == null ? "" : " [" + code + "]");
    }

    private URI url(String path) {
        return URI.create(settings.baseUrl() + path);
    }
}
