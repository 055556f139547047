package io.tollgate.identity.internal;

import io.tollgate.platform.RunSlots;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP to sign-in providers: a connect timeout and a whole-answer deadline on every call, answers cut
 * at {@link #MAX_BODY_BYTES}, never a redirect followed. No retries: an authorization code is single
 * use, so a token call that may have reached the provider must not be sent again.
 */
@Component
class SignInHttp {
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final String USER_AGENT = "Tollgate";
    /** Lenient on purpose (unlike the API's own mapper): providers add fields whenever they like. */
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client;
    private final Duration timeout;

    /** A provider's answer: its status and its JSON (a missing node when the body was not JSON). */
    record Answer(int status, JsonNode json) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    SignInHttp(@Value("${tollgate.identity.oauth.connect-timeout-millis}") long connectTimeoutMillis,
                 @Value("${tollgate.identity.oauth.timeout-millis}") long timeoutMillis) {
        if (connectTimeoutMillis < 1 || timeoutMillis < 1) throw new IllegalStateException("OAuth provider timeouts must be positive");
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMillis))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = Duration.ofMillis(timeoutMillis);
    }

    Duration timeout() {
        return timeout;
    }

    Answer get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        return send(request, headers);
    }

    Answer postForm(String url, Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        return send(request, headers);
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private Answer send(HttpRequest.Builder request, Map<String, String> headers) {
        request.header("Accept", "application/json").header("User-Agent", USER_AGENT);
        headers.forEach(request::setHeader);
        RunSlots.giveBack(); // waiting for the identity provider needs no CPU here
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) throw new ProviderFailure("the provider's answer is larger than " + MAX_BODY_BYTES + " bytes");
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (RuntimeException e) {
                json = JSON.missingNode();
            }
            return new Answer(response.statusCode(), json == null ? JSON.missingNode() : json);
        } catch (IOException e) {
            throw new ProviderFailure("the provider could not be reached: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderFailure("interrupted");
        }
    }

    /** The provider failed or said something we cannot use; the sign-in ends with PROVIDER_ERROR. */
    static final class ProviderFailure extends RuntimeException {
        ProviderFailure(String message) {
            super(message, null, false, false);
        }
    }
}
