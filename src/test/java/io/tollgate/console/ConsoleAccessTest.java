package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRequest;
import io.tollgate.operators.OperatorRole;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The console's guards over plain HTTP (no browser): sign-in, session cookie, CSRF, roles, audit actor. */
class ConsoleAccessTest extends ApiTest {
    static final String PASSWORD = "console test password";
    @Autowired
    OperatorAccounts accounts;

    String operator(OperatorRole role) {
        String email = role.name().toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
        accounts.create(new OperatorRequest(email, PASSWORD, role, null));
        return email;
    }

    ConsoleClient signedIn(OperatorRole role) {
        ConsoleClient client = new ConsoleClient(port);
        ConsoleClient.Page answer = client.signIn(operator(role), PASSWORD);
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).endsWith("/console");
        return client;
    }

    @Test
    void pagesNeedASignInAndTheSessionCookieIsHttpOnlyAndLax() {
        ConsoleClient client = new ConsoleClient(port);
        ConsoleClient.Page page = client.get("/console/apps");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.location()).endsWith("/console/login");
        assertThat(client.get("/console/usage.json").status()).isEqualTo(302);

        ConsoleClient.Page signedIn = client.signIn(operator(OperatorRole.ADMIN), PASSWORD);
        String cookie = signedIn.response().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("tollgate_console=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
        ConsoleClient.Page apps = client.get("/console/apps");
        assertThat(apps.status()).isEqualTo(200);
        assertThat(apps.body()).contains("External apps");
        assertThat(apps.response().headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");

        ConsoleClient.Page out = client.post("/console/logout", Map.of("_csrf", apps.csrf()));
        assertThat(out.status()).isEqualTo(302);
        assertThat(client.get("/console/apps").status()).isEqualTo(302);
    }

    @Test
    void wrongPasswordsAreRefusedAndFiveLockTheAccountWithItsEndShown() {
        String email = operator(OperatorRole.VIEWER);
        ConsoleClient client = new ConsoleClient(port);
        ConsoleClient.Page wrong = client.signIn(email, "not the password");
        assertThat(wrong.location()).endsWith("/console/login?error");
        assertThat(client.get("/console/login?error").body()).contains("Wrong email or password");
        ConsoleClient.Page last = wrong;
        for (int i = 1; i < OperatorAccounts.MAX_FAILED_LOGINS; i++) last = client.signIn(email, "not the password");
        assertThat(last.location()).contains("/console/login?locked=");
        ConsoleClient.Page locked = client.signIn(email, PASSWORD);
        assertThat(locked.location()).contains("/console/login?locked=");
        String shown = client.get(locked.location().substring(locked.location().indexOf("/console"))).body();
        assertThat(shown).contains("locked until").contains("UTC");
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefused() {
        ConsoleClient client = signedIn(OperatorRole.OWNER);
        String org = createOrganization();
        ConsoleClient.Page forged = client.post("/console/apps", Map.of("organization_id", org, "name", "No token", "app_type", "web"));
        assertThat(forged.status()).isEqualTo(403);
        ConsoleClient.Page wrongToken = client.post("/console/apps", Map.of("organization_id", org, "name", "Bad token", "app_type", "web",
                "_csrf", "not-the-token"));
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(admin.get("/api/external-apps?organization_id=" + org).data()).isEmpty();
    }

    @Test
    void aViewerLooksAtEverythingAndChangesNothingEvenWithForgedRequests() {
        String appId = createApp();
        String keyId = createKey(appId, Map.of()).get("id").asString();
        ConsoleClient viewer = signedIn(OperatorRole.VIEWER);
        for (String path : new String[] {"/console/apps", "/console/apps/" + appId, "/console/apps/" + appId + "/usage",
                "/console/apps/" + appId + "/users", "/console/apps/" + appId + "/features", "/console/apps/" + appId + "/docs",
                "/console/usage", "/console/revenue", "/console/organizations", "/console/plans", "/console/audit"}) {
            assertThat(viewer.get(path).status()).as(path).isEqualTo(200);
        }
        String page = viewer.get("/console/apps/" + appId).body();
        assertThat(page).doesNotContain("Create key").doesNotContain(">Revoke<").doesNotContain("Approve");
        String csrf = viewer.get("/console/apps/" + appId).csrf();
        assertThat(viewer.post("/console/apps/" + appId + "/keys", Map.of("_csrf", csrf, "name", "forged")).status()).isEqualTo(403);
        assertThat(viewer.post("/console/apps/" + appId + "/keys/" + keyId + "/revoke", Map.of("_csrf", csrf)).status()).isEqualTo(403);
        assertThat(viewer.post("/console/apps/" + appId + "/status", Map.of("_csrf", csrf, "status", "suspended")).status()).isEqualTo(403);
        assertThat(viewer.post("/console/apps/" + appId + "/delete", Map.of("_csrf", csrf)).status()).isEqualTo(403);
        assertThat(viewer.get("/console/operators").status()).isEqualTo(403);
        JsonNode keys = admin.get("/api/external-apps/" + appId + "/api-keys").data();
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).get("status").asString()).isEqualTo("active");
        assertThat(admin.get("/api/external-apps/" + appId).data().get("status").asString()).isEqualTo("active");
    }

    @Test
    void onlyOwnersManageOperators() {
        ConsoleClient adminClient = signedIn(OperatorRole.ADMIN);
        assertThat(adminClient.get("/console/operators").status()).isEqualTo(403);
        String csrf = adminClient.get("/console/apps").csrf();
        assertThat(adminClient.post("/console/operators", Map.of("_csrf", csrf, "email", "x@example.com", "password", "long enough password",
                "role", "owner")).status()).isEqualTo(403);

        ConsoleClient owner = signedIn(OperatorRole.OWNER);
        String email = "made-" + UUID.randomUUID() + "@example.com";
        ConsoleClient.Page made = owner.submit("/console/operators", "/console/operators",
                Map.of("email", email, "password", "long enough password", "role", "viewer"));
        assertThat(made.status()).isEqualTo(302);
        assertThat(owner.get("/console/operators").body()).contains(email);
    }

    @Test
    void consoleChangesAreAuditedWithTheOperatorAsActorAndRoleChangesApplyAtOnce() {
        String org = createOrganization();
        String email = operator(OperatorRole.ADMIN);
        ConsoleClient client = new ConsoleClient(port);
        client.signIn(email, PASSWORD);
        ConsoleClient.Page created = client.submit("/console/apps/new", "/console/apps",
                Map.of("organization_id", org, "name", "Audited from the console", "app_type", "web", "pricing_model", "credit"));
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        String appId = created.location().substring(created.location().lastIndexOf('/') + 1);
        JsonNode entry = admin.get("/api/admin/audit-log?target_id=" + appId).data().get(0);
        assertThat(entry.get("action").asString()).isEqualTo("application.created");
        assertThat(entry.get("actor_type").asString()).isEqualTo("operator");
        String operatorId = jdbc.sql("SELECT id FROM operators WHERE email = ?").param(email).query(String.class).single();
        assertThat(entry.get("actor_id").asString()).isEqualTo(operatorId);

        // Demoted to viewer: the very next request is a viewer's, without signing in again.
        admin.put("/api/admin/operators/" + operatorId, Map.of("role", "viewer"));
        String csrf = client.get("/console/apps/" + appId).csrf();
        assertThat(client.post("/console/apps/" + appId + "/status", Map.of("_csrf", csrf, "status", "active")).status()).isEqualTo(403);
        // Disabled: signed out.
        admin.put("/api/admin/operators/" + operatorId, Map.of("status", "disabled"));
        assertThat(client.get("/console/apps").status()).isEqualTo(302);
    }

    @Test
    void registrationShowsInlineMessagesForBadFields() {
        ConsoleClient client = signedIn(OperatorRole.ADMIN);
        String org = createOrganization();
        ConsoleClient.Page answer = client.submit("/console/apps/new", "/console/apps",
                Map.of("organization_id", org, "name", " ", "app_type", "web", "app_identifier", "has spaces", "app_url", "ftp://x"));
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.body()).contains("id=\"name-error\"").contains("id=\"app_identifier-error\"").contains("id=\"app_url-error\"")
                .contains("must be an http or https URL");
        assertThat(admin.get("/api/external-apps?organization_id=" + org).data()).isEmpty();
    }

    @Test
    void dashboardJsonComesFromTheRollups() {
        String appId = createApp();
        String org = organizationOf(appId);
        fundOrganization(org, 100);
        activateCatalogApp(appId, "vto-001");
        var client = appClient(appId, createKey(appId, Map.of()).get("key").asString());
        for (int i = 0; i < 3; i++) {
            assertThat(client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 5)).status()).isEqualTo(200);
        }
        ConsoleClient viewer = signedIn(OperatorRole.VIEWER);
        ConsoleClient.Page json = viewer.get("/console/usage.json?app=" + appId);
        assertThat(json.status()).isEqualTo(200);
        JsonNode body = io.tollgate.Api.JSON.readTree(json.body());
        assertThat(body.get("totals").get("calls").asLong()).isEqualTo(3);
        JsonNode perFeature = body.get("charts").get("calls_per_feature");
        assertThat(perFeature.get("labels").get(0).asString()).isEqualTo("vto-001");
        assertThat(perFeature.get("datasets").get(0).get("data").get(0).asLong()).isEqualTo(3);
    }
}
