package io.tollgate.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class OperatorAccessTest extends ApiTest {
    @Autowired
    OperatorAccounts accounts;

    private String token(String role) {
        Api.Res res = admin.post("/api/admin/tokens", Map.of("name", role + " token", "role", role));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        assertThat(res.data().get("token").asString()).startsWith("tg_admin_");
        return res.data().get("token").asString();
    }

    @Test
    void rolesLimitWhatATokenMayDo() {
        Api viewer = anonymous.bearer(token("viewer"));
        Api adminRole = anonymous.bearer(token("admin"));
        assertThat(viewer.get("/api/external-apps").status()).isEqualTo(200);
        Api.Res denied = viewer.post("/api/admin/organizations", Map.of("name", "nope"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.errorCode()).isEqualTo("FORBIDDEN");
        assertThat(adminRole.post("/api/admin/organizations", Map.of("name", "ok")).status()).isEqualTo(201);
        // Only owners manage who may operate.
        assertThat(adminRole.get("/api/admin/tokens").status()).isEqualTo(403);
        assertThat(adminRole.post("/api/admin/tokens", Map.of("name", "escalate", "role", "owner")).status()).isEqualTo(403);
        assertThat(viewer.get("/api/admin/operators").status()).isEqualTo(403);
    }

    @Test
    void adminTokensAreListedRedactedAndCanBeRevoked() {
        Api.Res created = admin.post("/api/admin/tokens", Map.of("name", "ci", "role", "admin"));
        String token = created.data().get("token").asString();
        String id = created.data().get("id").asString();
        Api client = anonymous.bearer(token);
        assertThat(client.get("/api/external-apps").status()).isEqualTo(200);
        assertThat(admin.get("/api/admin/tokens?per_page=100").text()).contains(id).doesNotContain(token.substring(13));
        byte[] stored = jdbc.sql("SELECT token_hash FROM admin_tokens WHERE id = ?").param(id).query(byte[].class).single();
        assertThat(stored).hasSize(32);
        assertThat(admin.delete("/api/admin/tokens/" + id).data().get("status").asString()).isEqualTo("revoked");
        Api.Res after = client.get("/api/external-apps");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.errorCode()).isEqualTo("INVALID_ADMIN_TOKEN");
    }

    @Test
    void operatorAccountsUseArgon2idAndLockOutAfterRepeatedFailures() {
        String email = "op" + System.nanoTime() + "@example.com";
        Api.Res created = admin.post("/api/admin/operators", Map.of("email", email, "password", "correct horse battery", "role", "viewer"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode operator = created.data();
        assertThat(operator.has("password_hash")).isFalse();
        assertThat(jdbc.sql("SELECT password_hash FROM operators WHERE id = ?").param(operator.get("id").asString())
                .query(String.class).single()).startsWith("$argon2id$");
        assertThat(admin.post("/api/admin/operators", Map.of("email", email.toUpperCase(), "password", "another password", "role", "viewer"))
                .status()).isEqualTo(409);
        assertThat(admin.post("/api/admin/operators", Map.of("email", "short@example.com", "password", "short", "role", "viewer"))
                .status()).isEqualTo(400);

        assertThat(accounts.signIn(email, "correct horse battery")).isInstanceOf(OperatorAccounts.SignIn.Success.class);
        for (int i = 0; i < OperatorAccounts.MAX_FAILED_LOGINS - 1; i++) {
            assertThat(accounts.signIn(email, "wrong")).isInstanceOf(OperatorAccounts.SignIn.Failure.class);
        }
        assertThat(accounts.signIn(email, "wrong")).isInstanceOf(OperatorAccounts.SignIn.Locked.class);
        assertThat(accounts.signIn(email, "correct horse battery")).isInstanceOf(OperatorAccounts.SignIn.Locked.class);
        assertThat(accounts.signIn("nobody@example.com", "x")).isInstanceOf(OperatorAccounts.SignIn.Failure.class);
        // An owner resets the password, which lifts the lock.
        admin.put("/api/admin/operators/" + operator.get("id").asString(), Map.of("password", "a brand new password"));
        assertThat(accounts.signIn(email, "a brand new password")).isInstanceOf(OperatorAccounts.SignIn.Success.class);
    }
}
