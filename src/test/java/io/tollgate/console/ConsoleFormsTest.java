package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Refused edits show their messages beside the fields of the form that was sent; optional settings can be emptied. */
class ConsoleFormsTest extends ConsoleApiTest {

    @Test
    void keyCreateAndEditMessagesAreBesideTheirFields() {
        String appId = createApp();
        String page = "/console/apps/" + appId;
        console.submit(page, page + "/keys", Map.of("name", "bad rate", "key_type", "secret", "environment", "live", "rate_limit", "0"));
        String created = console.get(page).body();
        assertThat(created).containsPattern("id=\"key-rate-error\">[^<]*must be greater than or equal to 1");
        assertThat(created).containsPattern("id=\"key-name\"[^>]*value=\"bad rate\"");
        assertThat(created).containsPattern("<details class=\"panel\" id=\"create-key\" open");

        String keyId = createKey(appId, Map.of("name", "to edit")).get("id").asString();
        console.submit(page, page + "/keys/" + keyId, Map.of("name", "to edit", "scopes", "content:read", "rate_limit", "-5"));
        String edited = console.get(page).body();
        assertThat(edited).containsPattern("id=\"krate-error-" + keyId + "\">[^<]*must be greater than or equal to 1");
        assertThat(edited).containsPattern("id=\"krate-" + keyId + "\"[^>]*value=\"-5\"");
        assertThat(edited).contains("<details class=\"key-edit\" open=\"open\">");
        assertThat(admin.get("/api/external-apps/" + appId + "/api-keys/" + keyId).data().get("rate_limit").asInt()).isEqualTo(1000);
        // The next view is clean again: the messages were for that one redirect.
        assertThat(console.get(page).body()).doesNotContain("krate-error-" + keyId);
    }

    @Test
    void featurePlanAndOrganizationEditMessagesAreBesideTheirFields() {
        String appId = createApp();
        String featureId = admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "edited", "pricing_type", "free"))
                .data().get("id").asString();
        String features = "/console/apps/" + appId + "/features";
        console.submit(features, features + "/" + featureId, Map.of("currency", "dollars", "timeout_seconds", "0"));
        String featurePage = console.get(features).body();
        assertThat(featurePage).containsPattern("id=\"cu-error-" + featureId + "\">must be an ISO 4217 code");
        assertThat(featurePage).containsPattern("id=\"ts-error-" + featureId + "\">must be greater than or equal to 1");

        String planId = "f" + UUID.randomUUID().toString().substring(0, 8);
        admin.post("/api/admin/plans", Map.of("id", planId, "name", "Form plan", "audience", "organization", "price_minor", 100,
                "currency", "USD", "billing_cycle", "monthly"));
        console.submit("/console/plans", "/console/plans/" + planId, Map.of("name", "Form plan", "price_minor", "-1", "flags", "1"));
        assertThat(console.get("/console/plans").body()).containsPattern("id=\"pp-error-" + planId + "\">must be greater than or equal to 0");

        String org = createOrganization();
        console.submit("/console/organizations", "/console/organizations/" + org, Map.of("name", "Renamed", "billing_email", "not an email"));
        String orgPage = console.get("/console/organizations?search=" + java.net.URLEncoder.encode(
                admin.get("/api/admin/organizations/" + org).data().get("name").asString(), java.nio.charset.StandardCharsets.UTF_8)).body();
        assertThat(orgPage).containsPattern("id=\"oe-error-" + org + "\">[^<]*email");
        assertThat(orgPage).containsPattern("id=\"oe-" + org + "\"[^>]*value=\"not an email\"");
    }

    @Test
    void aFeaturesPricePerCallIsSavedAndAPriceWithoutCurrencyIsRefusedBesideTheField() {
        String appId = createApp();
        String id = admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "priced", "pricing_type", "credit",
                "credit_cost", 2)).data().get("id").asString();
        String features = "/console/apps/" + appId + "/features";
        console.submit(features, features + "/" + id, Map.of("price_per_request", "150"));
        assertThat(console.get(features).body()).containsPattern("id=\"cu-error-" + id + "\">is required with a price_per_request");
        assertThat(admin.get("/api/external-apps/" + appId + "/features/" + id).data().get("price_per_request").asLong()).isZero();
        console.submit(features, features + "/" + id, Map.of("price_per_request", "150", "currency", "usd"));
        JsonNode saved = admin.get("/api/external-apps/" + appId + "/features/" + id).data();
        assertThat(saved.get("price_per_request").asLong()).isEqualTo(150);
        assertThat(saved.get("currency").asString()).isEqualTo("USD");
    }

    @Test
    void aFeaturesFreeAllowanceAndUpstreamUrlCanBeEmptied() {
        String appId = createApp();
        JsonNode feature = admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "proxied", "pricing_type", "free",
                "free_tier_limit", 5, "free_tier_period", "day", "backend", "builtin", "upstream_url", "https://upstream.example/run")).data();
        String id = feature.get("id").asString();
        String features = "/console/apps/" + appId + "/features";
        assertThat(console.submit(features, features + "/" + id, Map.of("free_tier_limit", "", "upstream_url", " ")).status()).isEqualTo(302);
        JsonNode after = admin.get("/api/external-apps/" + appId + "/features/" + id).data();
        assertThat(after.get("free_tier_limit").isNull()).isTrue();
        assertThat(after.get("upstream_url").isNull()).isTrue();
        // Fields the form did not send keep their value.
        console.submit(features, features + "/" + id, Map.of("display_name", "Proxied"));
        assertThat(admin.get("/api/external-apps/" + appId + "/features/" + id).data().get("display_name").asString()).isEqualTo("Proxied");

        // An upstream feature cannot lose its URL: the refusal is beside the field.
        JsonNode upstream = admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "relay", "pricing_type", "free",
                "backend", "upstream", "upstream_url", "https://upstream.example/relay")).data();
        String relay = upstream.get("id").asString();
        console.submit(features, features + "/" + relay, Map.of("upstream_url", ""));
        assertThat(console.get(features).body()).containsPattern("id=\"uu-error-" + relay + "\">is required for backend upstream");
        assertThat(admin.get("/api/external-apps/" + appId + "/features/" + relay).data().get("upstream_url").asString())
                .isEqualTo("https://upstream.example/relay");
    }

    @Test
    void emptyingAnAppsUrlOrIdentifierClearsItAndAFieldNotSentIsKept() {
        String appId = createApp();
        String page = "/console/apps/" + appId;
        console.submit(page, page, Map.of("name", "Kept", "app_url", "https://kept.example", "description", "Stays"));
        assertThat(admin.get("/api/external-apps/" + appId).data().get("app_url").asString()).isEqualTo("https://kept.example");
        console.submit(page, page, Map.of("name", "Kept", "app_url", "", "app_identifier", ""));
        assertThat(console.get(page).body()).contains("Saved.");
        JsonNode app = admin.get("/api/external-apps/" + appId).data();
        assertThat(app.get("app_url").isNull()).isTrue();
        assertThat(app.get("app_identifier").isNull()).isTrue();
        assertThat(app.get("description").asString()).isEqualTo("Stays");
    }
}
