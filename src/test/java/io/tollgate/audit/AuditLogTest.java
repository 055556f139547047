package io.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AuditLogTest extends ApiTest {

    @Test
    void everyOperatorChangeIsRecordedWithActorBeforeAfterAndRequestId() {
        String org = createOrganization();
        Api.Res created = admin.with("X-Request-Id", "audit-create-1").post("/api/external-apps",
                Map.of("organization_id", org, "name", "Audited", "app_type", "web"));
        String appId = created.data().get("id").asString();
        admin.with("X-Request-Id", "audit-update-1").put("/api/external-apps/" + appId, Map.of("status", "active"));
        String keyId = createKey(appId, Map.of()).get("id").asString();
        admin.delete("/api/external-apps/" + appId + "/api-keys/" + keyId);

        Api.Res log = admin.get("/api/admin/audit-log?target_id=" + appId);
        assertThat(log.status()).isEqualTo(200);
        JsonNode entries = log.data();
        assertThat(entries).hasSize(2);
        JsonNode update = entries.get(0);
        assertThat(update.get("action").asString()).isEqualTo("application.status_changed");
        assertThat(update.get("actor_type").asString()).isEqualTo("admin_token");
        assertThat(update.get("actor_id").asString()).startsWith("adm_");
        assertThat(update.get("request_id").asString()).isEqualTo("audit-update-1");
        assertThat(update.get("before").get("status").asString()).isEqualTo("pending");
        assertThat(update.get("after").get("status").asString()).isEqualTo("active");
        JsonNode create = entries.get(1);
        assertThat(create.get("action").asString()).isEqualTo("application.created");
        assertThat(create.get("before").isNull() || create.get("before").isMissingNode()).isTrue();
        assertThat(create.get("request_id").asString()).isEqualTo("audit-create-1");

        JsonNode keyLog = admin.get("/api/admin/audit-log?target_id=" + keyId).data();
        assertThat(keyLog).hasSize(2);
        assertThat(keyLog.get(0).get("action").asString()).isEqualTo("api_key.revoked");
        assertThat(admin.get("/api/admin/audit-log?per_page=1").json().get("meta").get("pagination").get("total").asLong()).isGreaterThan(3);
    }

    @Test
    void failedChangesLeaveNoTrace() {
        String org = createOrganization();
        long before = jdbc.sql("SELECT count(*) FROM audit_log").query(Long.class).single();
        admin.post("/api/external-apps", Map.of("organization_id", org, "name", ""));
        admin.put("/api/admin/organizations/" + org, Map.of("billing_email", "not-an-email"));
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void entriesWhoseBeforeOrAfterIsAListOrAScalarAreListed() {
        String target = "tgt_" + System.nanoTime();
        jdbc.sql("INSERT INTO audit_log (id, actor_type, actor_id, action, target_type, target_id, before, after) "
                        + "VALUES (?, 'system', 'system', 'test.listed', 'test', ?, '[\"a\", 2]'::jsonb, '7'::jsonb)")
                .params("aud_" + System.nanoTime(), target).update();
        Api.Res log = admin.get("/api/admin/audit-log?target_id=" + target);
        assertThat(log.status()).isEqualTo(200);
        JsonNode entry = log.data().get(0);
        assertThat(entry.get("before").isArray()).isTrue();
        assertThat(entry.get("before").get(0).asString()).isEqualTo("a");
        assertThat(entry.get("after").asInt()).isEqualTo(7);
    }
}
