package io.tollgate.platform;

import static io.tollgate.platform.EnvelopeAndErrorsTest.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs that once reached a 500, a database error or Tomcat's HTML page: every one is now a 4xx in
 * the envelope, and a 400 names the field.
 */
class HostileInputTest extends ApiTest {

    private static void assertInvalidField(Api.Res res, String field) {
        assertEnvelopeError(res, 400, "VALIDATION_FAILED");
        assertThat(res.json().get("error").get("details").get("fields").get(0).get("field").asString()).as(res.toString()).isEqualTo(field);
    }

    @Test
    void theErrorPathAskedForDirectlyIsNotFound() {
        assertEnvelopeError(anonymous.get("/error"), 404, "NOT_FOUND");
        assertEnvelopeError(admin.get("/error"), 404, "NOT_FOUND");
    }

    @Test
    void reportDatesOutsideYears1970To9999AreRefused() {
        String appId = createApp();
        for (String report : new String[] {"/api/external-apps/" + appId + "/revenue", "/api/external-apps/" + appId + "/usage",
                "/api/external-apps/" + appId + "/users", "/api/admin/revenue"}) {
            assertInvalidField(admin.get(report + "?from=%2B999999999-12-31&to=%2B999999999-12-31"), "from");
            assertInvalidField(admin.get(report + "?from=-999999999-01-01&to=-999999999-01-01"), "from");
            assertInvalidField(admin.get(report + "?to=%2B10000-01-01"), "to");
            assertInvalidField(admin.get(report + "?from=1969-12-31&to=1970-01-01"), "from");
            assertThat(admin.get(report + "?from=9999-12-01&to=9999-12-31").status()).isEqualTo(200);
            assertThat(admin.get(report + "?from=1970-01-01&to=1970-01-31").status()).isEqualTo(200);
        }
    }

    @Test
    void expiriesBeyondYear9999AreRefused() {
        String appId = createApp();
        String keyId = createKey(appId, Map.of()).get("id").asString();
        for (String far : new String[] {"+300000000-01-01T00:00:00Z", "+294277-01-01T00:00:00Z", "+10000-01-01T00:00:00Z"}) {
            assertInvalidField(admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("expires_at", far)), "expires_at");
            assertInvalidField(admin.put("/api/external-apps/" + appId + "/api-keys/" + keyId, Map.of("expires_at", far)), "expires_at");
            assertInvalidField(admin.post("/api/admin/tokens", Map.of("name", "far", "role", "viewer", "expires_at", far)), "expires_at");
        }
        assertInvalidField(admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("expires_at", "-999999999-01-01T00:00:00Z")),
                "expires_at");
        assertThat(admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("expires_at", "9999-12-31T00:00:00Z")).status())
                .isEqualTo(201);
    }

    @Test
    void nulCharactersAreRefusedWhereverTheyCome() {
        String appId = createApp();
        assertInvalidField(admin.post("/api/admin/organizations", "{\"name\": \"a\\u0000b\"}"), "name");
        assertInvalidField(admin.post("/api/admin/organizations", "{\"name\": \"ok\", \"metadata\": {\"k\": \"\\u0000\"}}"), "metadata.k");
        assertInvalidField(admin.post("/api/admin/organizations", "{\"name\": \"ok\", \"metadata\": {\"k\\u0000\": 1}}"), "metadata");
        assertInvalidField(admin.post("/api/admin/organizations", "{\"name\": \"ok\", \"metadata\": {\"k\": [\"\\u0000\"]}}"), "metadata.k");
        assertInvalidField(admin.post("/api/external-apps/" + appId + "/api-keys", "{\"scopes\": [\"content:read\\u0000\"]}"), "scopes[0]");
        assertInvalidField(admin.get("/api/external-apps?search=%00"), "search");
        assertInvalidField(admin.get("/api/admin/organizations?page=1&search=x%00y"), "search");
        assertInvalidField(admin.get("/api/external-apps/" + appId + "/users?search=%00"), "search");
        assertThat(admin.get("/api/external-apps?search=%2500").status()).isEqualTo(200); // a literal "%00" is fine
    }

    @Test
    void unknownUserKindIsRefusedWithTheAllowedValues() {
        String appId = createApp();
        Api.Res res = admin.get("/api/external-apps/" + appId + "/users?kind=junk");
        assertInvalidField(res, "kind");
        assertThat(res.text()).contains("registered, anonymous, external");
        assertThat(admin.get("/api/external-apps/" + appId + "/users?kind=anonymous").status()).isEqualTo(200);
    }

    @Test
    void tomcatsOwnRefusalsAnswerInTheEnvelope() throws Exception {
        for (String target : new String[] {"/api/external-apps?filter={}", "/api/external-apps/|x", "/api/x?a=[1]", "/api/x\"y",
                "/api/external-apps/%00"}) {
            RawHttp.Response res = RawHttp.get(port, target, "Authorization: Bearer " + ADMIN_TOKEN);
            assertThat(res.status()).as(target + " " + res.head()).isEqualTo(400);
            assertThat(res.head().toLowerCase()).contains("content-type: application/json");
            assertEnvelopeError(res.body(), "VALIDATION_FAILED");
        }
        RawHttp.Response huge = RawHttp.get(port, "/api/external-apps", "Authorization: Bearer " + ADMIN_TOKEN, "X-Big: " + "a".repeat(16_384));
        assertThat(huge.status()).as(huge.head()).isBetween(400, 499);
        assertThat(huge.body()).doesNotContain("<html");
        assertEnvelopeError(huge.body(), huge.status() == 400 ? "VALIDATION_FAILED" : "HEADERS_TOO_LARGE");
    }

    @Test
    void aControlCharacterInAHeaderIsRefusedByTheFirewall() throws Exception {
        // Tomcat passes a C1 control (byte 0x85) on; the firewall (HeaderCharacters) refuses the header when it is read.
        RawHttp.Response res = RawHttp.get(port, "/api/external-apps", "Authorization: Bearer " + ADMIN_TOKEN + "\u0085");
        assertThat(res.status()).as(res.head()).isEqualTo(400);
        assertThat(res.body()).doesNotContain("<html").doesNotContain("Exception");
        RawHttp.Response tab = RawHttp.get(port, "/api/external-apps", "Authorization: Bearer " + ADMIN_TOKEN, "X-Note: a\tb\u00e9");
        assertThat(tab.status()).as("a tab and a Latin-1 letter are allowed in a value").isEqualTo(200);
    }

    @Test
    void errorsAreJsonWhateverTheAcceptHeaderSays() {
        Api html = admin.with("Accept", "text/html");
        assertEnvelopeError(html.get("/api/external-apps/app_doesnotexist"), 404, "NOT_FOUND");
        assertEnvelopeError(html.get("/api/no-such-endpoint"), 404, "NOT_FOUND");
        assertEnvelopeError(html.post("/api/admin/organizations", "{"), 400, "VALIDATION_FAILED");
        assertEnvelopeError(anonymous.with("Accept", "text/html").get("/api/external-apps"), 401, "INVALID_ADMIN_TOKEN");
        assertEnvelopeError(html.get("/api/external-apps"), 406, "NOT_ACCEPTABLE");
        assertEnvelopeError(anonymous.with("Accept", "image/png").get("/error"), 404, "NOT_FOUND");
    }
}
