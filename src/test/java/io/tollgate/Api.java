package io.tollgate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small real-HTTP client for tests: every call goes through the network stack like a user's. */
public final class Api {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, String> headers;

    public Api(String base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    public static Api at(int port) {
        return new Api("http://localhost:" + port, Map.of());
    }

    public Api with(String header, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(header, value);
        return new Api(base, copy);
    }

    public Api bearer(String token) {
        return with("Authorization", "Bearer " + token);
    }

    /** For an answer that may take long the first time on a busy machine (the OpenAPI document is built at its first request). */
    public static final Duration SLOW = Duration.ofMinutes(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public Res get(String path) { return send("GET", path, null); }
    public Res get(String path, Duration timeout) { return send("GET", path, null, timeout); }
    public Res delete(String path) { return send("DELETE", path, null); }
    public Res post(String path, Object body) { return send("POST", path, body); }
    public Res put(String path, Object body) { return send("PUT", path, body); }

    /** body: null for none, a String sent as-is, anything else serialized as JSON. */
    public Res send(String method, String path, Object body) {
        return send(method, path, body, TIMEOUT);
    }

    public Res send(String method, String path, Object body, Duration timeout) {
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (text != null) request.header("Content-Type", "application/json");
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(response.statusCode(), response.headers().map(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    public record Res(int status, Map<String, java.util.List<String>> headers, String text) {
        public JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("Not JSON (" + status + "): " + text, e);
            }
        }

        public JsonNode data() { return json().get("data"); }

        public String errorCode() {
            JsonNode error = json().get("error");
            return error == null ? null : error.get("code").asString();
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }
}
