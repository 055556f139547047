package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.operators.OperatorRole;
import io.tollgate.webhooks.Receiver;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The webhooks screens over plain HTTP: endpoints with the secret shown once, the attempt log, resend, recover, sources. */
class ConsoleWebhooksTest extends ConsoleApiTest {

    static String secretOn(String page) {
        Matcher m = Pattern.compile("id=\"new-secret-value\" readonly[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*id=\"new-secret-value\"").matcher(page);
        if (!m.find()) return null;
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private String home(String org) {
        return "/console/organizations/" + org + "/webhooks";
    }

    @Test
    void anEndpointIsAddedTestedAndItsLogShown() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String org = createOrganization();
            assertThat(console.get("/console/organizations?search=" + admin.get("/api/admin/organizations/" + org).data().get("name").asString()
                    .replace(" ", "%20")).body()).contains(home(org));
            ConsoleClient.Page created = console.submit(home(org), home(org), Map.of("url", receiver.url(), "event_types", "webhook.test, payment.*",
                    "description", "Orders"));
            assertThat(created.status()).isEqualTo(302);
            String page = created.location().substring(created.location().indexOf("/console"));
            String endpointId = page.substring(page.lastIndexOf('/') + 1);
            String first = console.get(page).body();
            assertThat(secretOn(first)).startsWith("whsec_");
            assertThat(secretOn(console.get(page).body())).as("shown once").isNull();

            assertThat(console.submit(page, page + "/test", Map.of()).status()).isEqualTo(302);
            Receiver.Request got = receiver.awaitType("webhook.test");
            String shown = "";
            for (int i = 0; i < 100 && !shown.contains("100.0%"); i++) {
                Thread.sleep(50);
                shown = console.get(page).body();
            }
            assertThat(shown).contains(got.id()).contains("100.0%").contains("Everything was delivered");

            receiver.answer(500);
            console.submit(page, page + "/test", Map.of());
            String failedId = receiver.await(r -> !r.id().equals(got.id())).id();
            for (int i = 0; i < 100 && !shown.contains("undelivered-table") || !shown.contains(failedId + "</code>"); i++) {
                Thread.sleep(50);
                shown = console.get(page).body();
            }
            assertThat(shown).contains(failedId);
            receiver.answer(200);
            assertThat(console.submit(page, page + "/deliveries/" + failedId + "/resend", Map.of()).status()).isEqualTo(302);
            receiver.await(r -> r.id().equals(failedId) && receiver.requests().stream().filter(x -> x.id().equals(failedId)).count() == 2);

            ConsoleClient.Page rotated = console.submit(page, page + "/rotate", Map.of("overlap_seconds", "3600"));
            assertThat(rotated.status()).isEqualTo(302);
            assertThat(secretOn(console.get(page).body())).startsWith("whsec_");
            console.submit(page, page + "/active", Map.of("active", "false"));
            assertThat(admin.get("/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId).data().get("status").asString())
                    .isEqualTo("inactive");
            console.submit(page, page + "/active", Map.of("active", "true"));
            assertThat(console.submit(page, page + "/recover", Map.of("since", "2026-01-01T00:00")).status()).isEqualTo(302);
            assertThat(console.get(page).body()).contains("events again");
        }
    }

    @Test
    void aRefusedUrlIsExplainedAndNothingIsCreated() {
        String org = createOrganization();
        ConsoleClient.Page refused = console.submit(home(org), home(org), Map.of("url", "https://169.254.169.254/", "event_types", "*"));
        assertThat(refused.status()).isEqualTo(302);
        assertThat(console.get(home(org)).body()).contains("cloud metadata").contains("No endpoints yet");
        assertThat(admin.get("/api/admin/organizations/" + org + "/webhook-endpoints").data()).isEmpty();
        ConsoleClient.Page unknownType = console.submit(home(org), home(org), Map.of("url", "https://8.8.8.8/x", "event_types", "payment.nope"));
        assertThat(unknownType.status()).isEqualTo(302);
        assertThat(admin.get("/api/admin/organizations/" + org + "/webhook-endpoints").data()).isEmpty();
        assertThat(console.submit(home(org), home(org) + "/settings", Map.of("credits_low_threshold", "75")).status()).isEqualTo(302);
        assertThat(admin.get("/api/admin/organizations/" + org + "/webhook-settings").data().get("credits_low_threshold").asLong()).isEqualTo(75);
    }

    @Test
    void aSourceShowsWhatItReceived() throws Exception {
        String org = createOrganization();
        ConsoleClient.Page created = console.submit(home(org), "/console/organizations/" + org + "/webhook-sources",
                Map.of("name", "Git host", "scheme", "hmac_sha256_hex"));
        assertThat(created.status()).isEqualTo(302);
        String overview = console.get(home(org)).body();
        String secret = secretOn(overview);
        assertThat(secret).isNotNull();
        Matcher path = Pattern.compile("(/webhooks/in/whin_[A-Za-z0-9]+)").matcher(overview);
        assertThat(path.find()).isTrue();
        String body = "{\"id\": \"d-1\", \"event\": \"push\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Api.Res received = anonymous.with("X-Signature", HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))))
                .send("POST", path.group(1), body);
        assertThat(received.status()).as(received.toString()).isEqualTo(200);
        String sourceId = admin.get("/api/admin/organizations/" + org + "/webhook-sources").data().get(0).get("id").asString();
        assertThat(console.get("/console/organizations/" + org + "/webhook-sources/" + sourceId).body()).contains("d-1").contains("push");
    }

    @Test
    void viewersLookButDoNotChange() {
        String org = createOrganization();
        ConsoleClient viewer = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        assertThat(viewer.get(home(org)).status()).isEqualTo(200);
        assertThat(viewer.submit(home(org), home(org), Map.of("url", "https://8.8.8.8/x", "event_types", "*")).status()).isEqualTo(403);
        assertThat(console.get("/console/organizations/org_nothere/webhooks").status()).isEqualTo(404);
    }
}
