package io.tollgate.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tollgate.Api;
import io.tollgate.operators.OperatorRole;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The integrations screens over plain HTTP: list, connection page with due credentials, actions, catalog, chart JSON, viewers. */
class ConsoleIntegrationsTest extends ConsoleApiTest {

    @Test
    void operatorsSeeConnectionsCheckThemAndSeeWhatIsDue() {
        WireMockServer stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
        try {
            stub.stubFor(get(urlEqualTo("/v1/me")).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"me\"}")));
            String org = createOrganization();
            String name = "stub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            Api.Res provider = admin.post("/api/admin/integrations/providers", Map.of("provider_name", name, "display_name", "Console stub",
                    "provider_type", "ai", "base_url", stub.baseUrl(), "auth_style", "bearer", "auth_config", Map.of("token", "credential:api_key"),
                    "health_check_path", "/v1/me"));
            assertThat(provider.status()).isEqualTo(201);
            String secret = "console-secret-" + UUID.randomUUID();
            String id = admin.post("/api/admin/organizations/" + org + "/integrations", Map.of("provider", name, "connection_name", "Console connection",
                    "credentials", Map.of("api_key", Map.of("value", secret, "rotation_policy", "30days")))).data().get("id").asString();

            ConsoleClient.Page list = console.get("/console/integrations?provider=" + name);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).contains("Console connection").contains(id).contains("pending");

            ConsoleClient.Page activated = console.submit("/console/integrations/" + id, "/console/integrations/" + id + "/activate", Map.of());
            assertThat(activated.status()).isEqualTo(302);
            ConsoleClient.Page page = console.get("/console/integrations/" + id);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("Activated.").contains("id=\"connection-status\">active").contains("health-table")
                    .contains("api_key").doesNotContain(secret).doesNotContain("rotation due");
            ConsoleClient.Page checked = console.submit("/console/integrations/" + id, "/console/integrations/" + id + "/check", Map.of());
            assertThat(checked.status()).isEqualTo(302);
            assertThat(console.get("/console/integrations/" + id).body()).contains("Checked: healthy");

            jdbc.sql("UPDATE integration_credentials SET last_rotated = now() - interval '40 days' WHERE connection_id = ?").param(id).update();
            assertThat(console.get("/console/integrations/" + id).body()).contains("rotation due");
            assertThat(console.get("/console/integrations").body()).contains("due-warning");
            assertThat(console.get("/console/integrations/credentials/due").body()).contains("Console connection");

            String json = console.get("/console/integrations/" + id + "/analytics.json").body();
            assertThat(json).contains("requests_per_day").contains("uptime_per_day");
            assertThat(console.get("/console/integrations/providers?type=payment").body()).contains("stripe").contains("https://api.stripe.com");
            assertThat(console.get("/console/integrations?status=bogus").body()).contains("Unknown filter value");
            assertThat(console.get("/console/integrations/con_00000000000000000000000000").status()).isEqualTo(404);

            ConsoleClient viewer = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
            assertThat(viewer.get("/console/integrations/" + id).body()).doesNotContain("id=\"check-now\"");
            assertThat(viewer.submit("/console/integrations/" + id, "/console/integrations/" + id + "/deactivate", Map.of()).status()).isEqualTo(403);
        } finally {
            stub.stop();
        }
    }
}
