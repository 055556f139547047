package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The catalog's refusals: scopes, deprecated apps, malformed schemas on change, and the operator's deactivation. */
class CatalogAccessTest extends ApiTest {
    private static final String SHOP = "https://shop.example.com";

    private String catalogApp() {
        String id = "acc-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Res res = admin.post("/api/admin/catalog-apps", Map.of("id", id, "name", "Access " + id, "category", "test", "token_cost", 1,
                "widget_url", "https://widgets.example/" + id, "configuration_schema", Map.of("button_text", Map.of("type", "string", "default", "Go"))));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return id;
    }

    private static String embedKey(Api.Res activated) {
        return activated.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
    }

    @Test
    void aKeyWithoutAppsReadOrAppsActivateIsRefused403() {
        String app = catalogApp();
        String appId = createApp();
        Api noCatalog = appClient(appId, createKey(appId, Map.of("scopes", List.of("tokens:read"))).get("key").asString());
        Api.Res list = noCatalog.get("/api/v1/apps");
        assertThat(list.status()).as(list.toString()).isEqualTo(403);
        assertThat(list.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(noCatalog.get("/api/v1/customer/apps").status()).isEqualTo(403);

        Api readOnly = appClient(appId, createKey(appId, Map.of("scopes", List.of("apps:read"))).get("key").asString());
        assertThat(readOnly.get("/api/v1/apps").status()).isEqualTo(200);
        Api.Res activate = readOnly.post("/api/v1/customer/apps/" + app + "/activate", Map.of());
        assertThat(activate.status()).as(activate.toString()).isEqualTo(403);
        assertThat(activate.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(readOnly.put("/api/v1/customer/apps/" + app, Map.of()).errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(readOnly.post("/api/v1/customer/apps/" + app + "/deactivate", null).errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(admin.get("/api/admin/activations?organization_id=" + organizationOf(appId)).data()).as("nothing was activated").isEmpty();
    }

    @Test
    void aDeprecatedAppTakesNoNewActivationsButExistingOnesKeepWorking() {
        String app = catalogApp();
        Api existing = appClient(createApp());
        assertThat(existing.post("/api/v1/customer/apps/" + app + "/activate", Map.of()).status()).isEqualTo(201);
        assertThat(admin.put("/api/admin/catalog-apps/" + app, Map.of("status", "deprecated")).status()).isEqualTo(200);

        Api.Res refused = appClient(createApp()).post("/api/v1/customer/apps/" + app + "/activate", Map.of());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("APP_NOT_AVAILABLE");
        assertThat(refused.json().get("error").get("message").asString()).contains("deprecated");
        // Still listed, as deprecated; the customer who has it may still change its configuration…
        assertThat(existing.get("/api/v1/apps?status=deprecated&q=" + app).json().get("apps").valueStream()
                .anyMatch(a -> a.get("id").asString().equals(app))).isTrue();
        Api.Res reconfigured = existing.post("/api/v1/customer/apps/" + app + "/activate", Map.of("configuration", Map.of("button_text", "Now")));
        assertThat(reconfigured.status()).as(reconfigured.toString()).isEqualTo(200);
        // …but once switched off, it cannot come back.
        assertThat(existing.post("/api/v1/customer/apps/" + app + "/deactivate", null).status()).isEqualTo(200);
        assertThat(existing.post("/api/v1/customer/apps/" + app + "/activate", Map.of()).errorCode()).isEqualTo("APP_NOT_AVAILABLE");
    }

    @Test
    void aMalformedSchemaIsRefusedOnChangeToo() {
        String app = catalogApp();
        Api.Res bad = admin.put("/api/admin/catalog-apps/" + app, Map.of("configuration_schema", Map.of(
                "color", Map.of("type", "colour"),
                "size", Map.of("type", "select", "options", List.of()),
                "style", Map.of("type", "object", "properties", Map.of("max", Map.of("type", "integer", "min", 5, "max", 1))))));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(bad.json().get("error").get("details").get("fields").findValuesAsString("field")).containsExactlyInAnyOrder(
                "configuration_schema.color.type", "configuration_schema.size.options", "configuration_schema.style.properties.max.max");
        JsonNode kept = admin.get("/api/admin/catalog-apps/" + app).data().get("configuration_schema");
        assertThat(kept.propertyNames()).as("the stored schema is unchanged").containsExactly("button_text");
    }

    @Test
    void anOperatorDeactivatesACustomersActivation() {
        String app = catalogApp();
        String appId = createApp();
        String org = organizationOf(appId);
        fundOrganization(org, 100);
        Api customer = appClient(appId);
        Api.Res activated = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("allowed_origins", List.of(SHOP)));
        assertThat(activated.status()).isEqualTo(201);
        Api embed = Api.at(port).bearer(embedKey(activated)).with("Origin", SHOP);
        assertThat(embed.get("/api/v1/embed/" + app).status()).isEqualTo(200);

        Api.Res off = admin.post("/api/admin/organizations/" + org + "/activations/" + app + "/deactivate", null);
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        assertThat(off.data().get("status").asString()).isEqualTo("inactive");
        assertThat(off.data().get("deactivated_at").isNull()).isFalse();
        assertThat(embed.get("/api/v1/embed/" + app).errorCode()).as("the embed key is revoked").isEqualTo("INVALID_API_KEY");
        assertThat(customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 1)).errorCode())
                .isEqualTo("APP_NOT_ACTIVATED");
        assertThat(customer.get("/api/v1/customer/apps/" + app).data().get("status").asString()).isEqualTo("inactive");
        assertThat(admin.post("/api/admin/organizations/" + org + "/activations/" + app + "/deactivate", null).status()).as("twice").isEqualTo(200);

        assertThat(admin.post("/api/admin/organizations/org_nobody/activations/" + app + "/deactivate", null).status()).isEqualTo(404);
        assertThat(admin.post("/api/admin/organizations/" + createOrganization() + "/activations/" + app + "/deactivate", null).status())
                .as("never activated").isEqualTo(404);
        assertThat(customer.post("/api/admin/organizations/" + org + "/activations/" + app + "/deactivate", null).status())
                .as("not with a customer key").isEqualTo(401);
    }
}
