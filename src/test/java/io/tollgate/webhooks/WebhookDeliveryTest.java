package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Endpoints through the admin API and the organization's keys; signed delivery checked by the standardwebhooks library. */
class WebhookDeliveryTest extends ApiTest {
    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private JsonNode endpoint(String org, Map<String, Object> body) {
        Api.Res res = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    @Test
    void aTestEventIsSignedTheStandardWebhooksWay() throws Exception {
        String org = createOrganization();
        JsonNode created = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("*"), "description", "ERP"));
        String secret = created.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        String id = created.get("id").asString();
        // The secret is shown once: never again.
        Api.Res shown = admin.get("/api/admin/organizations/" + org + "/webhook-endpoints/" + id);
        assertThat(shown.text()).doesNotContain(secret.substring(6, 20)).doesNotContain("\"secret\"");

        Api.Res test = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints/" + id + "/test", null);
        assertThat(test.status()).as(test.toString()).isEqualTo(202);
        Receiver.Request got = receiver.awaitType("webhook.test");
        assertThat(got.id()).isEqualTo(test.data().get("event_id").asString());
        new Webhook(secret).verify(got.body(), got.headerLists());
        assertThat(got.data().get("endpoint_id").asString()).isEqualTo(id);
        assertThat(got.header("content-type")).startsWith("application/json");
        // Someone else's secret does not verify it.
        assertThatThrownBy(() -> new Webhook(Signatures.newSecret()).verify(got.body(), got.headerLists())).isNotNull();
    }
}
