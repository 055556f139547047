package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * tokens/consume reads its body and writes its answer itself ({@link io.tollgate.platform.JsonBodies}), not through
 * Spring MVC's message conversion. Every fault of a body must still be answered exactly as an endpoint that takes
 * {@code @Valid @RequestBody} answers it: the same status, code, message and details. The reference is
 * {@code /api/v1/features/{name}/use}, which goes through Spring's conversion.
 */
class ConsumeBodyParityTest extends ApiTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** A body and its Content-Type (null: no header). */
    record Fault(String name, String contentType, String body) {}

    @Test
    void everyBodyFaultIsAnsweredAsSpringAnswersIt() throws Exception {
        String appId = createApp();
        String key = createKey(appId, java.util.Map.of()).get("key").asString();
        List<Fault> faults = List.of(
                new Fault("not JSON by its type", "text/plain", "{\"units\": 1}"),
                new Fault("no Content-Type, a body", null, "{\"units\": 1}"),
                new Fault("a Content-Type that does not parse", "application/", "{\"units\": 1}"),
                new Fault("JSON, no body", "application/json", ""),
                new Fault("no Content-Type, no body", null, ""),
                new Fault("the literal null", "application/json", "null"),
                new Fault("an array", "application/json", "[1, 2]"),
                new Fault("a scalar", "application/json; charset=utf-8", "\"abc\""),
                new Fault("malformed", "application/json", "{"),
                new Fault("a field neither knows", "application/vnd.example+json", "{\"zzz\": 1}"),
                new Fault("a field sent twice", "application/json", "{\"zzz\": 1, \"zzz\": 2}"),
                new Fault("trailing tokens", "application/json", "{} {}"),
                new Fault("a lone surrogate in a name", "application/json", "{\"k\\ud800\": 1}"),
                new Fault("Latin-1, a field neither knows", "application/json; charset=ISO-8859-1", "{\"caf\u00e9\": 1}"),
                new Fault("too large", "application/json", "{\"zzz\": \"" + "x".repeat(1_100_000) + "\"}"));
        for (Fault f : faults) {
            Api.Res spring = send(appId, key, "/api/v1/features/any-feature/use", f);
            Api.Res own = send(appId, key, "/api/v1/customer/tokens/consume", f);
            assertThat(spring.status()).as(f.name() + ": Spring's answer " + spring).isBetween(400, 499);
            assertThat(own.status()).as(f.name() + ": " + own).isEqualTo(spring.status());
            assertThat(own.json().get("error")).as(f.name() + ": " + own + " against " + spring).isEqualTo(spring.json().get("error"));
            assertThat(own.header("Content-Type")).as(f.name()).startsWith("application/json");
        }
    }

    @Test
    void fieldProblemsNameTheFieldAsTheApiSpellsIt() throws Exception {
        String appId = createApp();
        String key = createKey(appId, java.util.Map.of()).get("key").asString();
        Api.Res missing = send(appId, key, "/api/v1/customer/tokens/consume", new Fault("", "application/json", "{\"app_id\": \"a\"}"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(fields(missing)).containsExactly("tokens_consumed: must not be null");
        Api.Res both = send(appId, key, "/api/v1/customer/tokens/consume",
                new Fault("", "application/json", "{\"app_id\": \"no spaces\", \"tokens_consumed\": 0, \"session_id\": \"\"}"));
        assertThat(fields(both)).containsExactlyInAnyOrder("app_id: must be 1-100 letters, digits and _ . : -",
                "tokens_consumed: must be greater than or equal to 1", "session_id: must be 1-100 printable characters");
        assertThat(both.errorCode()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void theBodyIsStillDocumented() {
        JsonNode docs = admin.get("/v3/api-docs").json();
        JsonNode body = docs.get("paths").get("/api/v1/customer/tokens/consume").get("post").get("requestBody");
        assertThat(body.get("required").asBoolean()).isTrue();
        String ref = body.get("content").get("application/json").get("schema").get("$ref").asString();
        JsonNode schema = docs.get("components").get("schemas").get(ref.substring(ref.lastIndexOf('/') + 1));
        for (String field : List.of("app_id", "tokens_consumed", "session_id", "metadata")) {
            assertThat(schema.get("properties").has(field)).as(field + " in " + schema).isTrue();
        }
        assertThat(schema.get("required").valueStream().map(JsonNode::asString).toList()).contains("app_id", "tokens_consumed");
        assertThat(schema.get("properties").get("tokens_consumed").get("maximum").asLong()).isEqualTo(1_000_000);
    }

    private static List<String> fields(Api.Res res) {
        return res.json().get("error").get("details").get("fields").valueStream()
                .map(f -> f.get("field").asString() + ": " + f.get("message").asString()).toList();
    }

    private Api.Res send(String appId, String key, String path, Fault f) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key).header("X-App-Id", appId)
                .POST(f.body().isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(f.body(),
                        f.contentType() != null && f.contentType().contains("ISO-8859-1") ? java.nio.charset.StandardCharsets.ISO_8859_1
                                : java.nio.charset.StandardCharsets.UTF_8));
        if (f.contentType() != null) request.header("Content-Type", f.contentType());
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Api.Res(response.statusCode(), response.headers().map(), response.body());
    }
}
