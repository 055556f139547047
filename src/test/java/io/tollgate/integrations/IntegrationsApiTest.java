package io.tollgate.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.tollgate.integrations.IntegrationTestSupport.base;
import static io.tollgate.integrations.IntegrationTestSupport.bearerProvider;
import static io.tollgate.integrations.IntegrationTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import tools.jackson.databind.JsonNode;

/** The hub's API: catalog, connections validated against schemas, primaries, credentials, typed settings, isolation, both doors. */
class IntegrationsApiTest extends ApiTest {
    static WireMockServer stub;

    @BeforeAll
    static void start() {
        stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
        stub.stubFor(get(urlEqualTo("/v1/me")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\":\"me\"}")));
    }

    @AfterAll
    static void stop() {
        stub.stop();
    }

    @Test
    void theCatalogHoldsTheSeedsProvidersWithRealEndpoints() {
        Api.Res res = admin.get("/api/admin/integrations/providers?per_page=100");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        res.data().forEach(p -> byName.put(p.get("provider_name").asString(), p));
        for (String name : List.of("stripe", "paypal", "network_intl", "telr", "mpesa", "aramex", "dhl", "fedex", "ups", "openai", "cloudflare_ai",
                "twitter", "instagram", "tiktok", "facebook", "linkedin", "resend", "twilio", "sentry", "ga4", "google", "r2")) {
            JsonNode p = byName.get(name);
            assertThat(p).as(name).isNotNull();
            assertThat(p.get("base_url").asString()).as(name).startsWith("https://");
            assertThat(p.get("auth_style").asString()).as(name).isNotEmpty();
            assertThat(p.get("builtin").asBoolean()).isTrue();
        }
        assertThat(byName.get("stripe").get("base_url").asString()).isEqualTo("https://api.stripe.com");
        assertThat(byName.get("stripe").get("required_credentials").toString()).contains("secret_key");
        assertThat(byName.get("twitter").get("requires_oauth").asBoolean()).isTrue();
        assertThat(byName.get("aramex").get("health_error_rules").toString()).contains("/HasErrors");
        assertThat(byName.get("twilio").get("health_check_path").asString()).contains("{account_sid}");
    }

    @Test
    void operatorsAddProvidersAndBadDefinitionsAreRefusedByField() {
        Api.Res remoteRef = admin.post("/api/admin/integrations/providers", Map.of("provider_name", "evil_ref", "display_name", "E", "provider_type", "ai",
                "base_url", "https://api.example.com", "auth_style", "bearer", "auth_config", Map.of("token", "credential:api_key"),
                "configuration_schema", Map.of("$ref", "http://169.254.169.254/latest/meta-data")));
        assertThat(remoteRef.status()).as(remoteRef.toString()).isEqualTo(400);
        assertThat(remoteRef.text()).contains("configuration_schema");
        Api.Res badAuth = admin.post("/api/admin/integrations/providers", Map.of("provider_name", "bad_auth", "display_name", "B", "provider_type", "ai",
                "base_url", "ftp://x", "auth_style", "header", "auth_config", Map.of("header", "Host", "value", "plain-secret")));
        assertThat(badAuth.status()).isEqualTo(400);
        assertThat(badAuth.text()).contains("base_url").contains("auth_config.header").contains("auth_config.value");
        String name = bearerProvider(admin, stub.baseUrl(), List.of());
        Api.Res again = admin.post("/api/admin/integrations/providers", Map.of("provider_name", name, "display_name", "x", "provider_type", "ai",
                "base_url", "https://a.example", "auth_style", "none"));
        assertThat(again.status()).isEqualTo(409);
        Api.Res changed = admin.put("/api/admin/integrations/providers/" + name, Map.of("cost_per_request_minor", 5, "cost_currency", "AED"));
        assertThat(changed.data().get("cost_per_request_minor").asLong()).isEqualTo(5);
    }

    @Test
    void configurationIsValidatedAgainstTheProvidersSchemaWithFieldErrors() {
        String org = createOrganization();
        String provider = bearerProvider(admin, stub.baseUrl(), List.of());
        Api.Res bad = admin.post(base(org), Map.of("provider", provider, "connection_name", "x",
                "configuration", Map.of("region", "mars", "account", "nope", "colour", "blue")));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        bad.json().get("error").get("details").get("fields").forEach(f -> fields.add(f.get("field").asString()));
        assertThat(fields).contains("configuration.region", "configuration.account", "configuration.colour");
        // Built-in schemas too: Twilio's account SID has a format.
        Api.Res twilio = admin.post(base(org), Map.of("provider", "twilio", "connection_name", "sms", "configuration", Map.of("account_sid", "nope")));
        assertThat(twilio.status()).isEqualTo(400);
        assertThat(twilio.text()).contains("configuration.account_sid");
        Api.Res missing = admin.post(base(org), Map.of("provider", "twilio", "connection_name", "sms"));
        assertThat(missing.text()).contains("configuration.account_sid");
        Api.Res ok = admin.post(base(org), Map.of("provider", provider, "connection_name", "ok", "configuration", Map.of("region", "eu")));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.data().get("status").asString()).isEqualTo("pending");
        assertThat(ok.data().get("missing_credentials").toString()).contains("api_key");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE target_id = ? AND action = 'integration_connection.created'")
                .param(ok.data().get("id").asString()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void onePrimaryPerProviderAndEnvironmentEvenAgainstTheDatabase() {
        String org = createOrganization();
        String provider = bearerProvider(admin, stub.baseUrl(), List.of());
        String first = connect(admin, org, provider, Map.of("is_primary", true)).get("id").asString();
        String second = connect(admin, org, provider, Map.of("is_primary", true)).get("id").asString();
        String staging = connect(admin, org, provider, Map.of("is_primary", true, "environment", "staging")).get("id").asString();
        assertThat(admin.get(base(org) + "/" + first).data().get("connection").get("is_primary").asBoolean()).isFalse();
        assertThat(admin.get(base(org) + "/" + second).data().get("connection").get("is_primary").asBoolean()).isTrue();
        assertThat(admin.get(base(org) + "/" + staging).data().get("connection").get("is_primary").asBoolean()).isTrue();
        // The partial unique index is the guarantee, whatever the application does.
        assertThatThrownBy(() -> jdbc.sql("UPDATE integration_connections SET is_primary = true WHERE id = ?").param(first).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void credentialsAreWriteOnlyAndRotationDueIsListed() {
        String org = createOrganization();
        String provider = bearerProvider(admin, stub.baseUrl(), List.of());
        String secret = "sk_test_WriteOnly" + java.util.UUID.randomUUID().toString().replace("-", "");
        JsonNode connection = connect(admin, org, provider, Map.of("credentials", Map.of("api_key", Map.of("value", secret, "rotation_policy", "30days"))));
        String id = connection.get("id").asString();
        assertThat(connection.get("missing_credentials")).isEmpty();
        Api.Res list = admin.get(base(org) + "/" + id + "/credentials");
        assertThat(list.text()).doesNotContain(secret).doesNotContain(secret.substring(4, 20));
        JsonNode credential = list.data().get(0);
        assertThat(credential.get("last_four").asString()).isEqualTo(secret.substring(secret.length() - 4));
        assertThat(credential.get("rotation_policy").asString()).isEqualTo("30days");
        assertThat(credential.get("rotation_due").asBoolean()).isFalse();
        assertThat(credential.has("encrypted_value")).isFalse();
        String stored = jdbc.sql("SELECT encrypted_value FROM integration_credentials WHERE id = ?").param(credential.get("id").asString()).query(String.class).single();
        assertThat(stored).startsWith("tgenc:v1:").doesNotContain(secret);
        // Due: rotated 31 days ago.
        jdbc.sql("UPDATE integration_credentials SET last_rotated = now() - interval '31 days' WHERE id = ?").param(credential.get("id").asString()).update();
        Api.Res due = admin.get(base(org) + "/credentials/due");
        assertThat(due.data()).hasSize(1);
        assertThat(due.data().get(0).get("credential").get("rotation_due").asBoolean()).isTrue();
        assertThat(admin.get("/api/admin/integrations/credentials/due?per_page=100").text()).contains(credential.get("id").asString());
        // Rotating sets a new value and clears the due mark.
        Api.Res rotated = admin.put(base(org) + "/" + id + "/credentials/api_key", Map.of("value", secret + "2"));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.data().get("rotation_due").asBoolean()).isFalse();
        assertThat(rotated.text()).doesNotContain(secret);
        assertThat(admin.get(base(org) + "/credentials/due").data()).isEmpty();
        assertThat(admin.get("/api/admin/audit-log?target_id=" + credential.get("id").asString()).text()).contains("integration_credential.rotated")
                .doesNotContain(secret);
        Api.Res blank = admin.put(base(org) + "/" + id + "/credentials/other_key", Map.of("rotation_policy", "90days"));
        assertThat(blank.status()).isEqualTo(400);
    }

    @Test
    void aCiphertextCopiedToAnotherRowDoesNotOpen() {
        String org = createOrganization();
        String provider = bearerProvider(admin, stub.baseUrl(), List.of());
        String a = connect(admin, org, provider, Map.of("credentials", Map.of("api_key", Map.of("value", "secret-of-connection-a-123")))).get("id").asString();
        String b = connect(admin, org, provider, Map.of("credentials", Map.of("api_key", Map.of("value", "secret-of-connection-b-456")))).get("id").asString();
        jdbc.sql("UPDATE integration_credentials SET encrypted_value = (SELECT encrypted_value FROM integration_credentials WHERE connection_id = ?)"
                + " WHERE connection_id = ?").params(a, b).update();
        admin.put(base(org) + "/" + b, Map.of("connection_name", "touch"));
        Api.Res check = admin.post(base(org) + "/" + b + "/health-checks", null);
        // The copied value fails to open (bound to its row): the check is down, and nothing is sent with connection a's secret.
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.data().get("status").asString()).isEqualTo("down");
        assertThat(check.data().get("error_message").asString()).contains("cannot be opened");
        stub.verify(0, getRequestedFor(urlEqualTo("/v1/me")).withHeader("Authorization", equalTo("Bearer secret-of-connection-a-123")));
    }

    @Test
    void typedSettingsAreValidatedForPaymentShippingAndSocialConnections() {
        String org = createOrganization();
        String id = connect(admin, org, "stripe", Map.of()).get("id").asString();
        Api.Res bad = admin.put(base(org) + "/" + id + "/settings", Map.of("supported_currencies", List.of("dirham"), "settlement_schedule", "hourly"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text()).contains("settings.supported_currencies[0]").contains("settings.settlement_schedule");
        Api.Res ok = admin.put(base(org) + "/" + id + "/settings", Map.of("supported_currencies", List.of("AED", "USD"), "supported_payment_methods",
                List.of("card", "cod"), "settlement_schedule", "daily", "success_url", "https://shop.example/ok"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.data().get("provider_name").asString()).isEqualTo("stripe");
        assertThat(ok.data().get("auto_capture").asBoolean()).isTrue();
        assertThat(admin.get(base(org) + "/" + id + "/settings").data().get("supported_currencies").toString()).contains("USD");
        String dhl = connect(admin, org, "dhl", Map.of()).get("id").asString();
        Api.Res shipping = admin.put(base(org) + "/" + dhl + "/settings", Map.of("service_types", List.of("express"), "max_weight_kg", 30.5,
                "max_dimensions_cm", Map.of("length", 100, "width", 50, "height", 40), "pricing_model", "zone_based"));
        assertThat(shipping.status()).as(shipping.toString()).isEqualTo(200);
        String openai = connect(admin, org, "openai", Map.of()).get("id").asString();
        assertThat(admin.put(base(org) + "/" + openai + "/settings", Map.of()).errorCode()).isEqualTo("SETTINGS_NOT_SUPPORTED");
    }

    @Test
    void organizationsSeeOnlyTheirOwnAndKeysNeedTheScopeAndASecret() {
        String appId = createApp();
        String org = organizationOf(appId);
        String other = createOrganization();
        String provider = bearerProvider(admin, stub.baseUrl(), List.of());
        String theirs = connect(admin, other, provider, Map.of()).get("id").asString();
        Api own = appClient(appId, createKey(appId, Map.of("scopes", List.of("integrations:manage"))).get("key").asString());
        Api.Res created = own.post("/api/v1/integrations", Map.of("provider", provider, "connection_name", "mine"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.data().get("organization_id").asString()).isEqualTo(org);
        assertThat(own.get("/api/v1/integrations").data()).hasSize(1);
        assertThat(own.get("/api/v1/integrations/" + theirs).status()).isEqualTo(404);
        assertThat(own.put("/api/v1/integrations/" + theirs + "/credentials/api_key", Map.of("value", "x-secret-value")).status()).isEqualTo(404);
        assertThat(admin.get(base(org) + "/" + theirs).status()).isEqualTo(404);
        assertThat(own.get("/api/v1/integrations/providers?per_page=100").text()).contains("\"stripe\"");
        Api noScope = appClient(appId, createKey(appId, Map.of("scopes", List.of("apps:read"))).get("key").asString());
        assertThat(noScope.get("/api/v1/integrations").errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        Api.Res publishable = admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("key_type", "publishable", "scopes", List.of("integrations:manage")));
        assertThat(publishable.status()).isEqualTo(400);
    }
}
