package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad input to console pages — dates beyond any calendar, NUL bytes, hand-edited links — is a 4xx or a message, never a 500. */
class ConsoleInputTest extends ConsoleApiTest {

    @Test
    void aLockLinkWithAnImpossibleTimeSaysLater() {
        ConsoleClient.Page page = new ConsoleClient(port).get("/console/login?locked=99999999999999999");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("locked until later");
        assertThat(new ConsoleClient(port).get("/console/login?locked=-99999999999999999").status()).isEqualTo(200);
    }

    @Test
    void datesOutsideTheYearsTheDatabaseKeepsFallBackToTheDefaultRangeWithAMessage() {
        String appId = createApp();
        for (String range : List.of("to=%2B9999999-01-01", "from=-5000-01-01", "from=-5000-01-01&to=%2B9999999-12-31",
                "to=+9999999-01-01", "from=0000-01-01", "to=10000-01-01")) {
            for (String page : List.of("/console/usage", "/console/apps/" + appId + "/usage", "/console/revenue")) {
                ConsoleClient.Page answer = console.get(page + "?" + range);
                assertThat(answer.status()).as(page + "?" + range).isEqualTo(200);
                assertThat(answer.body()).as(page + "?" + range).contains("Dates must be written YYYY-MM-DD, in the years 1970 to 9999");
            }
            for (String json : List.of("/console/usage.json?", "/console/usage.json?app=" + appId + "&", "/console/revenue.json?")) {
                assertThat(console.get(json + range).status()).as(json + range).isEqualTo(200);
            }
        }
    }

    @Test
    void anExpiryBeyondTheYear9999IsAFieldErrorNotAKey() {
        String appId = createApp();
        ConsoleClient.Page created = console.submit("/console/apps/" + appId, "/console/apps/" + appId + "/keys",
                Map.of("name", "far future", "key_type", "secret", "environment", "live", "expires_at", "+9999999-01-01T00:00"));
        assertThat(created.status()).isEqualTo(302);
        assertThat(console.get("/console/apps/" + appId).body()).contains("must be in the years 1970 to 9999");
        assertThat(admin.get("/api/external-apps/" + appId + "/api-keys").data()).isEmpty();
    }

    @Test
    void nulBytesInSearchesAreA400Page() {
        String appId = createApp();
        for (String path : List.of("/console/apps?search=a%00b", "/console/apps/" + appId + "/users?search=%00",
                "/console/organizations?search=x%00", "/console/audit?action=%00", "/console/audit?target_id=a%00",
                "/console/apps/" + appId + "/features?x=%00", "/console/usage.json?app=%00", "/console/revenue?payment_status=%00&provider=%00")) {
            ConsoleClient.Page page = console.get(path);
            assertThat(page.status()).as(path).isEqualTo(400);
            assertThat(page.body()).as(path).contains("must not contain control characters");
        }
        for (String path : List.of("/console/apps/app_%00", "/console/apps/" + appId + "/users/usr_%00", "/console/invoices/inv_%00")) {
            assertThat(console.get(path).status()).as(path).isBetween(200, 499);
        }
    }

    @Test
    void nulBytesInFormsAreMessagesBesideTheFields() {
        String org = createOrganization();
        ConsoleClient.Page registered = console.submit("/console/apps/new", "/console/apps",
                Map.of("organization_id", org, "name", "Nul\u0000App", "app_type", "web"));
        assertThat(registered.status()).isEqualTo(422);
        assertThat(registered.body()).contains("id=\"name-error\"").contains("must not contain control characters");
        assertThat(admin.get("/api/external-apps?organization_id=" + org).data()).isEmpty();

        ConsoleClient.Page organization = console.submit("/console/organizations", "/console/organizations",
                Map.of("name", "Bad\u0000Org"));
        assertThat(organization.status()).isEqualTo(302);
        assertThat(console.get("/console/organizations").body()).contains("must not contain control characters");

        String appId = createApp();
        console.submit("/console/apps/" + appId + "/features", "/console/apps/" + appId + "/features",
                Map.of("feature_name", "nul_feature", "display_name", "x\u0000", "pricing_type", "free"));
        assertThat(console.get("/console/apps/" + appId + "/features").body()).contains("must not contain control characters");
        assertThat(admin.get("/api/external-apps/" + appId + "/features").data()).isEmpty();

        console.submit("/console/organizations", "/console/organizations/" + org + "/grant",
                Map.of("amount", "5", "reason", "gift\u0000", "form_token", UUID.randomUUID().toString()));
        assertThat(console.get("/console/organizations").body()).contains("reason must not contain control characters");
        assertThat(admin.get("/api/admin/organizations/" + org + "/wallet").data().get("balance").asLong()).isZero();
    }

    @Test
    void aNulInTheSignInEmailIsAWrongPasswordNotAnError() {
        ConsoleClient client = new ConsoleClient(port);
        ConsoleClient.Page answer = client.signIn("someone\u0000@example.com", "whatever password");
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).endsWith("/console/login?error");
    }
}
