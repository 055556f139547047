package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a careless client sends, over several endpoints: valid JSON that cannot be taken as it is.
 * Each is a 400 VALIDATION_FAILED naming the field (never "not valid JSON" for valid JSON), decided
 * once in the shared JSON layer, so every endpoint answers alike.
 */
class CarelessInputTest extends ApiTest {

    /** One careless request and what the answer must say. */
    record Case(String method, String path, String body, String field, String says) {}

    private static final String LONE_HIGH = "a\\ud800b";

    @Test
    void everyCarelessInputNamesItsField() {
        String org = createOrganization();
        String appId = createApp(org, "active");
        String wallet = fundOrganization(org, 0);
        Api app = appClient(appId);
        String apps = "/api/external-apps/" + appId;
        List<Case> cases = List.of(
                // Duplicate keys: refused, not last-wins.
                new Case("POST", "/api/admin/organizations", "{\"name\": \"x\", \"name\": \"y\"}", "name", "more than once"),
                new Case("PUT", "/api/admin/organizations/" + org, "{\"name\": \"x\", \"name\": \"y\"}", "name", "more than once"),
                new Case("POST", "/api/admin/organizations", "{\"name\": \"ok\", \"metadata\": {\"a\": 1, \"a\": 2}}", "metadata.a", "more than once"),
                new Case("POST", apps + "/api-keys", "{\"rate_limit\": 5, \"rate_limit\": 6}", "rate_limit", "more than once"),
                // Integers out of range: the field's own range where it declares one.
                new Case("POST", apps + "/api-keys", "{\"rate_limit\": 2147483648}", "rate_limit", "between 1 and 10000000"),
                new Case("POST", apps + "/features", "{\"feature_name\": \"f1\", \"pricing_type\": \"credit\", \"credit_cost\": 1099511627776}",
                        "credit_cost", "between 0 and 1000000000"),
                new Case("POST", "/api/admin/wallets/" + wallet + "/grants", "{\"amount\": 9223372036854775808, \"reason\": \"x\"}",
                        "amount", "integer between"),
                // An array or a scalar where an object belongs.
                new Case("POST", "/api/admin/organizations", "[1, 2]", "body", "must be a JSON object"),
                new Case("POST", apps + "/api-keys", "\"abc\"", "body", "must be a JSON object"),
                new Case("POST", apps + "/content", "5", "body", "must be a JSON object"),
                new Case("POST", apps + "/features", "{\"feature_name\": \"f2\", \"pricing_type\": \"free\", \"metadata\": [1]}",
                        "metadata", "must be a JSON object"),
                // A lone UTF-16 surrogate: no character at all; refused, not stored as "?".
                new Case("POST", "/api/admin/organizations", "{\"name\": \"" + LONE_HIGH + "\"}", "name", "surrogate"),
                new Case("POST", apps + "/content", "{\"title\": \"\\udc00\", \"type\": \"image\"}", "title", "surrogate"),
                new Case("POST", "/api/admin/organizations", "{\"name\": \"ok\", \"metadata\": {\"k\\ud800\": 1}}", "metadata", "surrogate"),
                // Pages beyond reach: their range, not "must be an integer".
                new Case("GET", "/api/admin/organizations?page=99999999999", null, "page", "must be between 1 and 5001"),
                new Case("GET", "/api/external-apps?page=99999999999&per_page=100", null, "page", "must be between 1 and 1001"),
                new Case("GET", apps + "/api-keys?page=0", null, "page", "must be between 1 and"),
                new Case("GET", "/api/admin/audit-log?page=6000", null, "page", "must be between 1 and 5001"),
                new Case("GET", "/api/admin/organizations?per_page=1000", null, "per_page", "must be between 1 and 100"));
        for (Case c : cases) assertNamesField(admin.send(c.method(), c.path(), c.body()), c);

        // The same layer serves the app API.
        assertNamesField(app.post("/api/v1/customer/tokens/consume", "{\"app_id\": \"x\", \"tokens_consumed\": 1e30}"),
                new Case("POST", "tokens/consume", null, "tokens_consumed", "between 1 and 1000000"));
        assertNamesField(app.post("/api/v1/customer/tokens/consume", "{\"app_id\": \"x\", \"tokens_consumed\": 1, \"tokens_consumed\": 2}"),
                new Case("POST", "tokens/consume", null, "tokens_consumed", "more than once"));
        assertNamesField(app.get("/api/v1/content?page=99999999999"), new Case("GET", "content", null, "page", "must be between 1 and"));

        assertThat(jdbc.sql("SELECT count(*) FROM organizations WHERE name LIKE 'a%b' AND length(name) = 3").query(Long.class).single())
                .as("nothing stored for the lone surrogate").isZero();
    }

    @Test
    void wellFormedInputStillPasses() {
        // A surrogate pair is one character (an emoji): stored and answered as sent.
        Api.Res emoji = admin.post("/api/admin/organizations", "{\"name\": \"Sunny \\ud83d\\ude00\"}");
        assertThat(emoji.status()).as(emoji.toString()).isEqualTo(201);
        assertThat(emoji.data().get("name").asString()).isEqualTo("Sunny \uD83D\uDE00");
        assertThat(admin.get("/api/admin/organizations/" + emoji.data().get("id").asString()).data().get("name").asString())
                .isEqualTo("Sunny \uD83D\uDE00");
        // The same key in two different objects is not a duplicate.
        Api.Res nested = admin.post("/api/admin/organizations", "{\"name\": \"n\", \"metadata\": {\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}}");
        assertThat(nested.status()).as(nested.toString()).isEqualTo(201);
        assertThat(admin.get("/api/admin/organizations?page=5001").status()).isEqualTo(200);
        // Malformed JSON is still "not valid JSON".
        Api.Res broken = admin.post("/api/admin/organizations", "{\"name\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("error").get("message").asString()).isEqualTo("The body is not valid JSON");
    }

    private static void assertNamesField(Api.Res res, Case c) {
        String what = c.method() + " " + c.path() + " " + c.body() + " → " + res;
        assertThat(res.status()).as(what).isEqualTo(400);
        assertThat(res.errorCode()).as(what).isEqualTo("VALIDATION_FAILED");
        assertThat(res.json().get("error").get("message").asString()).as(what).isNotEqualTo("The body is not valid JSON");
        JsonNode field = res.json().get("error").get("details").get("fields").get(0);
        assertThat(field.get("field").asString()).as(what).isEqualTo(c.field());
        assertThat(field.get("message").asString()).as(what).contains(c.says());
    }
}
