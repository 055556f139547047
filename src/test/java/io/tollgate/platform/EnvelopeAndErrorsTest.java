package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EnvelopeAndErrorsTest extends ApiTest {

    static void assertEnvelopeError(Api.Res res, int status, String code) {
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        assertEnvelopeError(res.text(), code);
    }

    /** Seed 000's error shape: success false, error{code, message, details} (details {} when empty), meta. */
    static void assertEnvelopeError(String body, String code) {
        JsonNode json;
        try {
            json = Api.JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
        assertThat(json.get("success").asBoolean()).as(body).isFalse();
        assertThat(json.get("error").get("code").asString()).as(body).isEqualTo(code);
        assertThat(json.get("error").get("message").asString()).isNotBlank();
        assertThat(json.get("error").get("details")).as("error.details in " + body).isNotNull();
        assertThat(json.get("error").get("details").isObject()).as(body).isTrue();
        assertThat(json.get("meta").get("request_id").asString()).isNotBlank();
        assertThat(json.get("meta").get("timestamp").asString()).isNotBlank();
        assertThat(body).doesNotContain("Exception").doesNotContain("at io.tollgate");
    }

    @Test
    void requestIdIsAcceptedAndEchoed() {
        Api.Res res = admin.with("X-Request-Id", "trace-abc-123").get("/api/admin/organizations");
        assertThat(res.header("X-Request-Id")).isEqualTo("trace-abc-123");
        assertThat(res.json().get("meta").get("request_id").asString()).isEqualTo("trace-abc-123");
        Api.Res generated = admin.get("/api/admin/organizations");
        assertThat(generated.header("X-Request-Id")).isEqualTo(generated.json().get("meta").get("request_id").asString());
        // An id unsafe to log is replaced, not echoed.
        assertThat(admin.with("X-Request-Id", "bad id <script>").get("/api/admin/organizations").header("X-Request-Id"))
                .doesNotContain("<");
    }

    @Test
    void validationErrorsListEachField() {
        Api.Res res = admin.post("/api/external-apps", Map.of("name", "", "app_type", "tv", "organization_id", "org_x"));
        assertEnvelopeError(res, 400, "VALIDATION_FAILED");
        Api.Res many = admin.post("/api/external-apps", Map.of("name", "  ", "app_url", "ftp://x", "app_identifier", "!"));
        assertEnvelopeError(many, 400, "VALIDATION_FAILED");
        List<String> fields = new ArrayList<>();
        many.json().get("error").get("details").get("fields").forEach(f -> fields.add(f.get("field").asString()));
        assertThat(fields).contains("name", "app_url", "app_identifier");
        Api.Res missing = admin.post("/api/external-apps", Map.of());
        assertThat(missing.json().get("error").get("details").get("fields")).hasSize(3);
    }

    @Test
    void malformedJsonWrongTypesUnknownEnumsAndFields() {
        assertEnvelopeError(admin.post("/api/external-apps", "{\"name\": "), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps", "not json at all"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps", "{\"name\": 42}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps", "{\"name\": [\"a\"]}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps", "{\"app_type\": \"tv\"}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps", "{\"colour\": \"red\"}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps", "{} {}"), 400, "VALIDATION_FAILED");
        String appId = createApp();
        assertEnvelopeError(admin.post("/api/external-apps/" + appId + "/api-keys", "{\"rate_limit\": \"1000\"}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps/" + appId + "/api-keys", "{\"rate_limit\": 10.5}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps/" + appId + "/api-keys", "{\"rate_limit\": 99999999999}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.post("/api/external-apps/" + appId + "/api-keys", "{\"expires_at\": \"tomorrow\"}"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.get("/api/external-apps?status=zzz"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.get("/api/external-apps?page=abc"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.get("/api/external-apps?per_page=1000"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(admin.get("/api/external-apps/" + appId + "/usage?from=yesterday"), 400, "VALIDATION_FAILED");
    }

    @Test
    void routingErrors() {
        assertEnvelopeError(admin.get("/api/admin/no-such-thing"), 404, "NOT_FOUND");
        assertEnvelopeError(anonymous.get("/definitely/not/here"), 404, "NOT_FOUND");
        assertEnvelopeError(admin.get("/api/external-apps/app_doesnotexist"), 404, "NOT_FOUND");
        assertEnvelopeError(admin.send("PATCH", "/api/external-apps", "{}"), 405, "METHOD_NOT_ALLOWED");
        assertEnvelopeError(admin.with("Content-Type", "text/plain").send("POST", "/api/admin/organizations", null), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertEnvelopeError(anonymous.get("/api/external-apps"), 401, "INVALID_ADMIN_TOKEN");
        assertEnvelopeError(anonymous.bearer("wrong").get("/api/external-apps"), 401, "INVALID_ADMIN_TOKEN");
    }

    @Test
    void bodiesOverOneMebibyteAre413() throws Exception {
        String big = "{\"name\":\"" + "a".repeat(1_100_000) + "\"}";
        assertEnvelopeError(admin.post("/api/admin/organizations", big), 413, "PAYLOAD_TOO_LARGE");
        // Chunked, so no Content-Length to refuse early: the limit trips while reading.
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String piece = (i == 0 ? "{\"name\":\"" : "") + "b".repeat(65_000);
            pieces.add((Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        pieces.add("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response chunked = RawHttp.exchange(port, "POST /api/admin/organizations HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + ADMIN_TOKEN + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n", pieces);
        assertThat(chunked.status()).as(chunked.head()).isEqualTo(413);
        assertEnvelopeError(chunked.body(), "PAYLOAD_TOO_LARGE");
        assertThat(admin.get("/api/admin/organizations").status()).isEqualTo(200);
    }

    /** A few hundred hostile requests: every answer is a 4xx in the envelope, never a 500. */
    @Test
    void hostileRequestsGetOnly4xx() {
        String appId = createApp();
        String keyId = createKey(appId, Map.of()).get("id").asString();
        Random random = new Random(42);
        List<String> paths = List.of("/api/external-apps", "/api/external-apps/" + appId, "/api/admin/organizations",
                "/api/external-apps/" + appId + "/api-keys", "/api/external-apps/" + appId + "/api-keys/" + keyId,
                "/api/external-apps/" + appId + "/api-keys/" + keyId + "/rotate", "/api/admin/tokens", "/api/admin/operators",
                "/api/v1/app", "/api/external-apps/" + appId + "/usage", "/api/admin/audit-log");
        List<String> bodies = List.of("{", "}", "[]", "null", "\"x\"", "123", "{\"name\":null}", "{\"name\":true}",
                "{\"name\":\"'; DROP TABLE applications; --\",\"app_type\":\"web\",\"organization_id\":\"' OR 1=1 --\"}",
                "{\"organization_id\":{\"$ne\":1}}", "{\"metadata\":\"x\"}", "{\"metadata\":{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}}",
                "{\"scopes\":\"content:read\"}", "{\"scopes\":[1,2]}", "{\"overlap_seconds\":-5}", "{\"overlap_seconds\":1e99}",
                "{\"rate_limit\":-1}", "{\"status\":\"ACTIVE'\"}", "{\"expires_at\":\"2020-13-45\"}", "\u0000\u0001\u0002",
                "{\"name\":\"\\ud800\"}", "{\"role\":\"god\",\"name\":\"x\"}", "{\"email\":\"x\",\"password\":\"y\",\"role\":\"owner\"}",
                "{\"per_page\":\"all\"}", "{\"page\":0}");
        List<Api> callers = List.of(admin, anonymous, anonymous.bearer("' OR '1'='1"), admin.with("X-App-Id", "'; --"),
                anonymous.bearer("tg_sk_live_" + "A".repeat(38)).with("X-App-Id", appId));
        List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
        int count = 0;
        for (int i = 0; i < 300; i++) {
            String path = paths.get(random.nextInt(paths.size()));
            String suffix = switch (random.nextInt(6)) {
                case 0 -> "?page=-1&per_page=0";
                case 1 -> "?status=%27%20OR%201=1";
                case 2 -> "?search=%25%25%5C%27";
                case 3 -> "?from=2020-01-01&to=2026-12-31";
                default -> "";
            };
            Api.Res res = callers.get(random.nextInt(callers.size()))
                    .send(methods.get(random.nextInt(methods.size())), path + suffix, random.nextBoolean() ? bodies.get(random.nextInt(bodies.size())) : null);
            assertThat(res.status()).as(path + " → " + res).isLessThan(500);
            if (res.status() >= 400) {
                assertThat(res.json().get("success").asBoolean()).isFalse();
                assertThat(res.json().get("error").get("code").asString()).isNotBlank();
            }
            count++;
        }
        assertThat(count).isEqualTo(300);
        // The database is intact: the SQL in strings was treated as text, never run.
        assertThat(admin.get("/api/external-apps").status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM applications").query(Long.class).single()).isPositive();
    }
}
