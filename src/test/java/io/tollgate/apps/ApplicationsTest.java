package io.tollgate.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationsTest extends ApiTest {

    @Test
    void listIsPaginatedAndFilterable() {
        String org = createOrganization();
        for (int i = 0; i < 5; i++) {
            admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Web " + i, "app_type", "web"));
        }
        admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Phone", "app_type", "mobile", "status", "active"));
        Api.Res page1 = admin.get("/api/external-apps?organization_id=" + org + "&per_page=2");
        assertThat(page1.data()).hasSize(2);
        var pagination = page1.json().get("meta").get("pagination");
        assertThat(pagination.get("total").asInt()).isEqualTo(6);
        assertThat(pagination.get("total_pages").asInt()).isEqualTo(3);
        Api.Res page3 = admin.get("/api/external-apps?organization_id=" + org + "&per_page=2&page=3");
        assertThat(page3.data()).hasSize(2);
        assertThat(page3.data().get(0).get("id").asString()).isNotEqualTo(page1.data().get(0).get("id").asString());
        assertThat(admin.get("/api/external-apps?organization_id=" + org + "&app_type=mobile").data()).hasSize(1);
        assertThat(admin.get("/api/external-apps?organization_id=" + org + "&status=active").data()).hasSize(1);
        assertThat(admin.get("/api/external-apps?organization_id=" + org + "&status=pending&app_type=web").data()).hasSize(5);
        assertThat(admin.get("/api/external-apps?organization_id=" + org + "&search=Phone").data()).hasSize(1);
    }

    @Test
    void identifierIsUniqueAmongLiveApps() {
        String org = createOrganization();
        String identifier = "com.unique." + System.nanoTime();
        Api.Res first = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "A", "app_type", "web", "app_identifier", identifier));
        assertThat(first.status()).isEqualTo(201);
        Api.Res second = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "B", "app_type", "web", "app_identifier", identifier));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.errorCode()).isEqualTo("APP_IDENTIFIER_TAKEN");
        admin.delete("/api/external-apps/" + first.data().get("id").asString());
        assertThat(admin.post("/api/external-apps", Map.of("organization_id", org, "name", "C", "app_type", "web", "app_identifier", identifier))
                .status()).isEqualTo(201);
    }

    @Test
    void updateKeepsAbsentFieldsAndRefusesMovingOrganizations() {
        String org = createOrganization();
        String id = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Keep", "app_type", "desktop",
                "description", "original", "pricing_model", "credit")).data().get("id").asString();
        Api.Res updated = admin.put("/api/external-apps/" + id, Map.of("name", "Renamed"));
        assertThat(updated.data().get("description").asString()).isEqualTo("original");
        assertThat(updated.data().get("pricing_model").asString()).isEqualTo("credit");
        assertThat(admin.put("/api/external-apps/" + id, Map.of("organization_id", createOrganization())).status()).isEqualTo(400);
        assertThat(admin.put("/api/external-apps/app_01aaaaaaaaaaaaaaaaaaaaaaaa", Map.of("name", "x")).status()).isEqualTo(404);
    }

    @Test
    void reportsAnswerWithZerosBeforeAnyUsage() {
        String id = createApp();
        Api.Res usage = admin.get("/api/external-apps/" + id + "/usage?from=2026-01-01&to=2026-01-31");
        assertThat(usage.status()).isEqualTo(200);
        assertThat(usage.data().get("totals").get("calls").asLong()).isZero();
        assertThat(admin.get("/api/external-apps/" + id + "/revenue").data().get("credits_used").asLong()).isZero();
        assertThat(admin.get("/api/external-apps/" + id + "/users").data()).isEmpty();
        assertThat(admin.get("/api/external-apps/" + id + "/usage?from=2026-02-01&to=2026-01-01").status()).isEqualTo(400);
        assertThat(admin.get("/api/external-apps/" + id + "/usage?from=2020-01-01&to=2026-01-01").status()).isEqualTo(400);
    }

    /** PUT: an absent field keeps its value, an explicit null clears the nullable ones. */
    @Test
    void explicitNullClearsDescriptionUrlAndIdentifier() {
        String org = createOrganization();
        String identifier = "com.clear." + System.nanoTime();
        String id = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Clearable", "app_type", "web",
                "description", "about", "app_url", "https://clear.example", "app_identifier", identifier)).data().get("id").asString();
        Api.Res kept = admin.put("/api/external-apps/" + id, Map.of("name", "Renamed"));
        assertThat(kept.data().get("description").asString()).isEqualTo("about");
        assertThat(kept.data().get("app_identifier").asString()).isEqualTo(identifier);

        Api.Res cleared = admin.put("/api/external-apps/" + id, "{\"description\": null, \"app_url\": null, \"app_identifier\": null}");
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.data().get("description").isNull()).isTrue();
        assertThat(cleared.data().get("app_url").isNull()).isTrue();
        assertThat(cleared.data().get("app_identifier").isNull()).isTrue();
        assertThat(cleared.data().get("name").asString()).isEqualTo("Renamed");
        // The identifier is free again, and the rules still hold for values.
        assertThat(admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Other", "app_type", "web",
                "app_identifier", identifier)).status()).isEqualTo(201);
        Api.Res bad = admin.put("/api/external-apps/" + id, Map.of("app_url", "ftp://nope"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("details").get("fields").get(0).get("field").asString()).isEqualTo("app_url");
        assertThat(admin.put("/api/external-apps/" + id, Map.of("app_identifier", "!")).status()).isEqualTo(400);
        assertThat(admin.put("/api/external-apps/" + id, Map.of("description", "x".repeat(5001))).status()).isEqualTo(400);
    }
}
