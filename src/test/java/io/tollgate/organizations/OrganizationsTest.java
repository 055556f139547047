package io.tollgate.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrganizationsTest extends ApiTest {

    @Test
    void crudAndDeletionGuard() {
        Api.Res created = admin.post("/api/admin/organizations", Map.of("name", "Globex", "billing_email", "ap@globex.example",
                "metadata", Map.of("tier", "gold")));
        assertThat(created.status()).isEqualTo(201);
        String id = created.data().get("id").asString();
        assertThat(id).startsWith("org_");
        assertThat(admin.get("/api/admin/organizations/" + id).data().get("metadata").get("tier").asString()).isEqualTo("gold");
        Api.Res updated = admin.put("/api/admin/organizations/" + id, Map.of("name", "Globex Corp"));
        assertThat(updated.data().get("name").asString()).isEqualTo("Globex Corp");
        assertThat(updated.data().get("billing_email").asString()).isEqualTo("ap@globex.example");
        assertThat(admin.get("/api/admin/organizations?search=Globex%20Corp").data().toString()).contains(id);

        String app = createApp(id, "active");
        Api.Res blocked = admin.delete("/api/admin/organizations/" + id);
        assertThat(blocked.status()).isEqualTo(409);
        assertThat(blocked.errorCode()).isEqualTo("ORGANIZATION_NOT_EMPTY");
        admin.delete("/api/external-apps/" + app);
        assertThat(admin.delete("/api/admin/organizations/" + id).status()).isEqualTo(200);
        assertThat(admin.get("/api/admin/organizations/" + id).status()).isEqualTo(404);
        assertThat(admin.post("/api/external-apps", Map.of("organization_id", id, "name", "x", "app_type", "web")).status()).isEqualTo(400);
    }

    @Test
    void metadataIsBounded() {
        Map<String, Object> tooMany = new java.util.HashMap<>();
        for (int i = 0; i < 51; i++) tooMany.put("k" + i, i);
        assertThat(admin.post("/api/admin/organizations", Map.of("name", "x", "metadata", tooMany)).status()).isEqualTo(400);
        assertThat(admin.post("/api/admin/organizations", Map.of("name", "x", "metadata", Map.of("k", "v".repeat(9000)))).status()).isEqualTo(400);
    }
}
